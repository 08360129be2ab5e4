//! Where shops are, without a geocoder: the centres of major cities to pick
//! from (a shop's location, or a shopper who will not share theirs), and the
//! shops nearest a point first, by great-circle distance.

use crate::DomainError;
use crate::community::GeoPoint;

/// A city's centre, with its names in English and Chinese.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct City {
    pub slug: &'static str,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    pub lat: f64,
    pub lng: f64,
}

macro_rules! cities {
    ($(($slug:literal, $en:literal, $zh:literal, $lat:literal, $lng:literal)),* $(,)?) => {
        &[$(City { slug: $slug, name_en: $en, name_zh: $zh, lat: $lat, lng: $lng }),*]
    };
}

/// Major cities of mainland China, Hong Kong, Macau and Taiwan, and a few
/// abroad where Chinese-speaking shoppers live, by their centre.
pub const CITIES: &[City] = cities![
    ("beijing", "Beijing", "北京", 39.9042, 116.4074),
    ("shanghai", "Shanghai", "上海", 31.2304, 121.4737),
    ("guangzhou", "Guangzhou", "广州", 23.1291, 113.2644),
    ("shenzhen", "Shenzhen", "深圳", 22.5431, 114.0579),
    ("chengdu", "Chengdu", "成都", 30.5728, 104.0668),
    ("chongqing", "Chongqing", "重庆", 29.5630, 106.5516),
    ("hangzhou", "Hangzhou", "杭州", 30.2741, 120.1551),
    ("wuhan", "Wuhan", "武汉", 30.5928, 114.3055),
    ("xian", "Xi'an", "西安", 34.3416, 108.9398),
    ("nanjing", "Nanjing", "南京", 32.0603, 118.7969),
    ("tianjin", "Tianjin", "天津", 39.3434, 117.3616),
    ("suzhou", "Suzhou", "苏州", 31.2990, 120.5853),
    ("changsha", "Changsha", "长沙", 28.2282, 112.9388),
    ("zhengzhou", "Zhengzhou", "郑州", 34.7466, 113.6254),
    ("qingdao", "Qingdao", "青岛", 36.0671, 120.3826),
    ("jinan", "Jinan", "济南", 36.6512, 117.1201),
    ("weifang", "Weifang", "潍坊", 36.7069, 119.1618),
    ("shenyang", "Shenyang", "沈阳", 41.8057, 123.4315),
    ("harbin", "Harbin", "哈尔滨", 45.8038, 126.5350),
    ("kunming", "Kunming", "昆明", 25.0389, 102.7183),
    ("xiamen", "Xiamen", "厦门", 24.4798, 118.0894),
    ("fuzhou", "Fuzhou", "福州", 26.0745, 119.2965),
    ("hefei", "Hefei", "合肥", 31.8206, 117.2272),
    ("nanning", "Nanning", "南宁", 22.8170, 108.3665),
    ("urumqi", "Ürümqi", "乌鲁木齐", 43.8256, 87.6168),
    ("lhasa", "Lhasa", "拉萨", 29.6520, 91.1721),
    ("hongkong", "Hong Kong", "香港", 22.3193, 114.1694),
    ("macau", "Macau", "澳门", 22.1987, 113.5439),
    ("taipei", "Taipei", "台北", 25.0330, 121.5654),
    ("singapore", "Singapore", "新加坡", 1.3521, 103.8198),
    ("kualalumpur", "Kuala Lumpur", "吉隆坡", 3.1390, 101.6869),
    ("london", "London", "伦敦", 51.5074, -0.1278),
    ("newyork", "New York", "纽约", 40.7128, -74.0060),
    ("sydney", "Sydney", "悉尼", -33.8688, 151.2093),
];

impl City {
    pub fn find(slug: &str) -> Result<&'static City, DomainError> {
        CITIES.iter().find(|c| c.slug == slug).ok_or_else(|| DomainError::invalid("city", "one of the listed cities"))
    }

    pub fn point(&self) -> GeoPoint {
        GeoPoint::parse(self.lat, self.lng).expect("the listed cities are on Earth")
    }
}

/// A point given as a city to pick (it wins when named) or as a latitude
/// and longitude in degrees.
pub fn point_or_city(lat: Option<f64>, lng: Option<f64>, city: Option<&str>) -> Result<GeoPoint, DomainError> {
    match (city.map(str::trim).filter(|c| !c.is_empty()), lat, lng) {
        (Some(city), _, _) => Ok(City::find(city)?.point()),
        (None, Some(lat), Some(lng)) => GeoPoint::parse(lat, lng),
        _ => Err(DomainError::invalid("lat", "a latitude and longitude, or a city")),
    }
}

/// `places` nearest `origin` first, each with its distance in metres; ties
/// keep their order.
pub fn nearest_first<T>(origin: &GeoPoint, places: impl IntoIterator<Item = (T, GeoPoint)>) -> Vec<(T, f64)> {
    let mut near: Vec<(T, f64)> = places.into_iter().map(|(t, p)| (t, origin.distance_m(&p))).collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1));
    near
}

/// A distance as people say it: metres under a kilometre, then kilometres.
pub fn distance_text(metres: f64) -> String {
    if metres < 1_000.0 { format!("{} m", (metres / 10.0).round() as i64 * 10) } else { format!("{:.1} km", metres / 1_000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_shop_comes_first() {
        let people_square = City::find("shanghai").unwrap().point();
        let shops = [
            ("beijing tea house", City::find("beijing").unwrap().point()),
            ("jing'an barber", GeoPoint::parse(31.2243, 121.4468).unwrap()),
            ("hangzhou tea house", City::find("hangzhou").unwrap().point()),
            ("bund cafe", GeoPoint::parse(31.2400, 121.4900).unwrap()),
        ];
        let order: Vec<&str> = nearest_first(&people_square, shops).into_iter().map(|(name, _)| name).collect();
        assert_eq!(order, ["bund cafe", "jing'an barber", "hangzhou tea house", "beijing tea house"]);
        let (_, to_beijing) = nearest_first(&people_square, [((), City::find("beijing").unwrap().point())])[0];
        assert!((1_060_000.0..1_075_000.0).contains(&to_beijing), "Shanghai to Beijing is about 1,067 km: {to_beijing}");
    }

    #[test]
    fn every_city_is_a_point_with_both_names() {
        for c in CITIES {
            c.point();
            assert!(!c.name_en.is_empty() && !c.name_zh.is_empty() && City::find(c.slug) == Ok(c));
        }
        assert!(City::find("atlantis").is_err());
        assert_eq!(point_or_city(Some(1.0), Some(2.0), Some("beijing")), Ok(City::find("beijing").unwrap().point()));
        assert_eq!(point_or_city(Some(31.2), Some(121.4), Some(" ")), GeoPoint::parse(31.2, 121.4));
        assert!(point_or_city(Some(31.2), None, None).is_err() && point_or_city(None, None, Some("atlantis")).is_err());
        assert_eq!((distance_text(432.0), distance_text(12_345.0)), ("430 m".to_owned(), "12.3 km".to_owned()));
    }
}
