//! `status_enum!` declares a status that is stored and sent as snake_case
//! text: the variants with their spellings, `ALL`, `as_str`, `parse` and the
//! serde form, so a status is typed everywhere between the edges.

#[macro_export]
macro_rules! status_enum {
    ($(#[$m:meta])* $v:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $v enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::DomainError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    $crate::DomainError::invalid("status", format!(concat!("unknown ", stringify!($name), " {:?}"), s))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    status_enum! {
        enum Example { One = "one", TwoWords = "two_words" }
    }

    #[test]
    fn text_serde_and_parse_agree() {
        for v in Example::ALL {
            assert_eq!(Example::parse(v.as_str()), Ok(*v));
            assert_eq!(serde_json::to_string(v).ok(), Some(format!("\"{}\"", v.as_str())));
        }
        assert!(Example::parse("three").is_err());
    }
}
