//! What a person recognises a session by on their devices page: the browser
//! or app and the system, read from the `User-Agent` it signed in with.

/// `(browser or app, system)`; either may be empty when nothing is known.
pub fn describe(user_agent: &str) -> (String, String) {
    let has = |s: &str| user_agent.contains(s);
    // Order matters: most browsers also call themselves Chrome or Safari.
    let browser = [
        ("MicroMessenger/", "WeChat"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("UCBrowser/", "UC Browser"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| has(mark))
    .map(|(_, name)| (*name).to_owned())
    // An API client: its product name ("curl/8.5" → "curl").
    .unwrap_or_else(|| user_agent.split(['/', ' ']).next().unwrap_or("").chars().take(40).collect());
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("HarmonyOS", "HarmonyOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| has(mark))
    .map_or(String::new(), |(_, name)| (*name).to_owned());
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn browsers_and_systems_are_named_as_people_know_them() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
                "Chrome",
                "Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                "Safari",
                "iOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47",
                "WeChat",
                "iOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0",
                "Edge",
                "Windows",
            ),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox", "macOS"),
            ("curl/8.5.0", "curl", ""),
            ("", "", ""),
        ];
        for (ua, browser, system) in cases {
            assert_eq!(describe(ua), (browser.to_owned(), system.to_owned()), "{ua}");
        }
    }
}
