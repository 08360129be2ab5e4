//! The demo store: what a newcomer sees first. Four shops from the seeds'
//! world (fruit at ¥19.90, tea, puffy jackets, a second-hand tractor sold on
//! another site), 50+ products, a user in every role, and a few orders.
//! Filling is skipped when the database already has shops. Every text a
//! person reads is in English and in Simplified Chinese (`Text`); which one
//! the store gets is `demo_language`, or else the locale (`demo_is_chinese`).

use crate::AppState;
use crate::app::StartError;
use crate::config::Config;

mod affiliate;
mod delivery;
mod group;
mod leads;
mod local;
mod media;
mod notes;
mod sales;
mod videos;

type Result<T> = std::result::Result<T, StartError>;
use crate::auth::hash_password;
use haul_domain::accounts::{Login, Role};
use haul_domain::affiliate::RateBps;
use haul_domain::catalog::ListingKind;
use haul_domain::ids::{CategoryId, OrderId, ProductId, RoomId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::moderation::ShopStatus;
use haul_domain::orders::OrderStatus;
use haul_domain::page::PageRequest;
use haul_domain::{Currency, Money};
use haul_store::accounts::NewUser;
use haul_store::affiliate::NewPlan;
use haul_store::catalog::{NewProduct, NewSku, ShopOpening};
use haul_store::deals::NewDeal;
use haul_store::orders::{Checkout, Placed, Receive};

/// Every demo account signs in with this password.
pub const PASSWORD: &str = "haul-demo";

/// A text of the demo in English and in Simplified Chinese.
#[derive(Clone, Copy)]
struct Text(&'static str, &'static str);

impl Text {
    fn pick(self, zh: bool) -> &'static str {
        if zh { self.1 } else { self.0 }
    }
}

/// Whether the demo is filled in Chinese: `demo_language` when it is set
/// (`zh-CN`; anything else is English), otherwise the process's locale.
pub fn demo_is_chinese(config: &Config) -> bool {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    is_chinese(&config.demo_language, var("LC_ALL").or_else(|| var("LANG")).as_deref())
}

/// `setting` is `demo_language`; `locale` is `LC_ALL`, or else `LANG`.
fn is_chinese(setting: &str, locale: Option<&str>) -> bool {
    let setting = setting.trim().to_ascii_lowercase().replace('_', "-");
    if setting.is_empty() {
        return locale.is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"));
    }
    matches!(setting.as_str(), "zh-cn" | "zh" | "zh-hans" | "zh-hans-cn")
}

struct Item {
    title: Text,
    description: Text,
    /// (options, price in fen, stock)
    skus: &'static [(Text, i64, i64)],
}

const FRUIT: &[Item] = &[
    Item {
        title: Text("Gannan navel oranges 5 kg", "赣南脐橙 5kg 整箱装"),
        description: Text("Picked this week in Ganzhou. Sweet, seedless, easy to peel.", "本周赣州果园现摘，香甜无籽，一剥就开。"),
        skus: &[(Text("5 kg box", "5kg 整箱"), 1990, 500)],
    },
    Item {
        title: Text("Sugar oranges 2.5 kg", "砂糖橘 2.5kg 装"),
        description: Text("Small, thin-skinned and very sweet.", "个小皮薄，甜到心里。"),
        skus: &[(Text("2.5 kg", "2.5kg"), 1990, 300)],
    },
    Item {
        title: Text("Yantai Fuji apples", "烟台红富士苹果"),
        description: Text("Crisp apples from Shandong orchards.", "山东果园直发，脆甜多汁。"),
        skus: &[(Text("12 apples", "12 个装"), 2990, 200), (Text("24 apples", "24 个装"), 5490, 80)],
    },
    Item {
        title: Text("Hainan mangoes", "海南芒果"),
        description: Text("Golden mangoes, ripen in two days at room temperature.", "金黄芒果，常温放两天就熟透。"),
        skus: &[(Text("2 kg", "2kg"), 3590, 120)],
    },
    Item {
        title: Text("Dandong strawberries", "丹东草莓"),
        description: Text("Red-faced strawberries, shipped chilled.", "红颜草莓，全程冷链发货。"),
        skus: &[(Text("500 g", "500g"), 4990, 60)],
    },
    Item {
        title: Text("Korla fragrant pears", "库尔勒香梨"),
        description: Text("Juicy Xinjiang pears with a floral scent.", "新疆香梨，汁水足，带淡淡花香。"),
        skus: &[(Text("3 kg", "3kg"), 3290, 150)],
    },
    Item {
        title: Text("Guanxi honey pomelo", "琯溪红心蜜柚"),
        description: Text("Red-flesh pomelo, two per box.", "红心柚子，一箱两个。"),
        skus: &[(Text("2 pomelos", "2 个装"), 2590, 180)],
    },
    Item {
        title: Text("Shine Muscat grapes", "阳光玫瑰葡萄"),
        description: Text("Seedless green grapes, crunchy and sweet.", "无籽青提，脆甜爽口。"),
        skus: &[(Text("1 kg", "1kg"), 3990, 90)],
    },
    Item {
        title: Text("Lychees from Maoming", "茂名荔枝"),
        description: Text("Fei Zi Xiao lychees, air-freighted.", "妃子笑荔枝，空运直达。"),
        skus: &[(Text("1 kg", "1kg"), 4590, 0)],
    },
    Item {
        title: Text("Kiwifruit, Zhouzhi", "周至猕猴桃"),
        description: Text("Green kiwis, 30 in a box.", "绿心猕猴桃，一箱 30 个。"),
        skus: &[(Text("30 pieces", "30 个装"), 3990, 100)],
    },
    Item {
        title: Text("Blueberries 4 boxes", "云南蓝莓 4 盒装"),
        description: Text("125 g boxes from Yunnan.", "云南产地直发，每盒 125g。"),
        skus: &[(Text("4 × 125 g", "4 盒 × 125g"), 4990, 70)],
    },
    Item {
        title: Text("Dragon fruit, red flesh", "红心火龙果"),
        description: Text("Vietnamese-style red pitaya grown in Guangxi.", "广西种植的越南品种红心火龙果。"),
        skus: &[(Text("5 fruits", "5 个装"), 2990, 110)],
    },
    Item {
        title: Text("Cherry tomatoes", "圣女果"),
        description: Text("Snack tomatoes, sweet as fruit.", "当零食吃的小番茄，甜得像水果。"),
        skus: &[(Text("1.5 kg", "1.5kg"), 1990, 250)],
    },
    Item {
        title: Text("Persimmons, crisp", "脆柿子"),
        description: Text("Firm persimmons, eat them crunchy.", "硬柿子，咬一口嘎嘣脆。"),
        skus: &[(Text("2 kg", "2kg"), 2290, 90)],
    },
    Item {
        title: Text("Passion fruit", "百香果"),
        description: Text("Purple passion fruit, wrinkly means ripe.", "紫皮百香果，表皮起皱才是熟透了。"),
        skus: &[(Text("20 fruits", "20 个装"), 1990, 300)],
    },
];

const TEA: &[Item] = &[
    Item {
        title: Text("West Lake Longjing, pre-Qingming", "明前西湖龙井"),
        description: Text("The first flush of Dragon Well green tea.", "清明前头采的龙井绿茶。"),
        skus: &[(Text("50 g tin", "50g 罐装"), 12800, 40), (Text("250 g", "250g"), 56800, 10)],
    },
    Item {
        title: Text("Anxi Tieguanyin", "安溪铁观音"),
        description: Text("Iron Goddess oolong, light roast.", "轻焙火的铁观音乌龙茶。"),
        skus: &[(Text("125 g", "125g"), 6800, 80)],
    },
    Item {
        title: Text("Wuyi Da Hong Pao", "武夷大红袍"),
        description: Text("Rock oolong with a roasted, mineral finish.", "武夷岩茶，焙火香浓，岩韵悠长。"),
        skus: &[(Text("100 g", "100g"), 9800, 60)],
    },
    Item {
        title: Text("Yunnan ripe Pu'er cake", "云南普洱熟茶饼"),
        description: Text("357 g cake, aged five years.", "357g 一饼，陈放五年。"),
        skus: &[(Text("357 g cake", "357g 茶饼"), 16800, 30)],
    },
    Item {
        title: Text("Keemun black tea", "祁门红茶"),
        description: Text("Winey, orchid-scented Qimen black tea.", "祁门红茶，醇厚带兰花香。"),
        skus: &[(Text("100 g", "100g"), 5800, 90)],
    },
    Item {
        title: Text("Jasmine pearls", "茉莉龙珠"),
        description: Text("Green tea rolled by hand and scented with jasmine.", "手工揉成珠的绿茶，茉莉花窨制。"),
        skus: &[(Text("100 g", "100g"), 4800, 120)],
    },
    Item {
        title: Text("Bai Mu Dan white tea", "福鼎白牡丹白茶"),
        description: Text("White Peony from Fuding, gentle and sweet.", "福鼎白牡丹，口感柔和清甜。"),
        skus: &[(Text("100 g", "100g"), 5600, 70)],
    },
    Item {
        title: Text("Biluochun", "洞庭碧螺春"),
        description: Text("Spiral green tea from Dongting mountain.", "洞庭山的螺形绿茶。"),
        skus: &[(Text("100 g", "100g"), 8800, 40)],
    },
    Item {
        title: Text("Lapsang souchong", "桐木正山小种"),
        description: Text("Pine-smoked black tea from Tongmu.", "桐木关松烟熏制的红茶。"),
        skus: &[(Text("100 g", "100g"), 6600, 50)],
    },
    Item {
        title: Text("Gongfu tea set", "功夫茶具套装"),
        description: Text("Gaiwan, pitcher and six cups in celadon.", "盖碗、公道杯加六只品茗杯，青瓷款。"),
        skus: &[(Text("celadon", "青瓷"), 19800, 25), (Text("white porcelain", "白瓷"), 16800, 25)],
    },
    Item {
        title: Text("Dancong oolong, honey orchid", "凤凰单丛 蜜兰香"),
        description: Text("Phoenix mountain single-bush oolong.", "凤凰山单株采制的乌龙茶。"),
        skus: &[(Text("50 g", "50g"), 7800, 35)],
    },
    Item {
        title: Text("Chrysanthemum buds", "胎菊"),
        description: Text("Tai Ju buds for a caffeine-free evening cup.", "胎菊花苞，不含咖啡因，晚上也能喝。"),
        skus: &[(Text("50 g", "50g"), 2600, 150)],
    },
    Item {
        title: Text("Yixing clay teapot", "宜兴紫砂壶"),
        description: Text("Zisha pot, 180 ml, made by hand.", "纯手工紫砂壶，容量 180ml。"),
        skus: &[(Text("180 ml", "180ml"), 32800, 8)],
    },
    Item {
        title: Text("Tea sampler, 8 kinds", "名茶品鉴装 8 款"),
        description: Text("Eight teas to find your favourite.", "八款好茶，喝出你的心头好。"),
        skus: &[(Text("8 × 8 g", "8 × 8g"), 3900, 200)],
    },
    Item {
        title: Text("Matcha, stone-ground", "石磨抹茶"),
        description: Text("Ceremonial grade from Guizhou.", "贵州产礼仪级抹茶。"),
        skus: &[(Text("40 g", "40g"), 6900, 60)],
    },
];

const JACKETS: &[Item] = &[
    Item {
        title: Text("Puffy down jacket, short", "短款羽绒服"),
        description: Text("90% duck down, water-repellent shell.", "90% 鸭绒填充，防泼水面料。"),
        skus: &[
            (Text("Black / M", "黑色 / M"), 39900, 40),
            (Text("Black / L", "黑色 / L"), 39900, 35),
            (Text("Cream / M", "奶白 / M"), 39900, 20),
        ],
    },
    Item {
        title: Text("Long down coat, hooded", "连帽长款羽绒服"),
        description: Text("Knee-length, for Harbin winters.", "过膝长款，哈尔滨的冬天也扛得住。"),
        skus: &[(Text("Black / M", "黑色 / M"), 69900, 15), (Text("Khaki / L", "卡其 / L"), 69900, 12)],
    },
    Item {
        title: Text("Lightweight packable down", "轻薄可收纳羽绒服"),
        description: Text("Folds into its own pocket.", "能整件塞进自己的口袋里。"),
        skus: &[(Text("Navy / M", "藏青 / M"), 25900, 50), (Text("Navy / L", "藏青 / L"), 25900, 45)],
    },
    Item {
        title: Text("Bread puffer, oversized", "宽松面包服"),
        description: Text("The round 'bread' silhouette, very warm.", "圆滚滚的面包版型，超级保暖。"),
        skus: &[(Text("Pink / S", "粉色 / S"), 45900, 18), (Text("Silver / M", "银色 / M"), 45900, 22)],
    },
    Item {
        title: Text("Down vest", "羽绒马甲"),
        description: Text("Layer it over a hoodie.", "套在卫衣外面叠穿。"),
        skus: &[(Text("Black / M", "黑色 / M"), 19900, 60), (Text("Olive / L", "橄榄绿 / L"), 19900, 40)],
    },
    Item {
        title: Text("Kids' puffy jacket", "儿童羽绒服"),
        description: Text("Reflective strips, machine washable.", "带反光条，可机洗。"),
        skus: &[(Text("110 cm", "110cm"), 22900, 30), (Text("130 cm", "130cm"), 22900, 30)],
    },
    Item {
        title: Text("Fleece jacket", "摇粒绒外套"),
        description: Text("Soft polar fleece, full zip.", "柔软摇粒绒，全开拉链。"),
        skus: &[(Text("Grey / M", "灰色 / M"), 12900, 80), (Text("Grey / L", "灰色 / L"), 12900, 70)],
    },
    Item {
        title: Text("Windbreaker shell", "防风外套"),
        description: Text("Windproof, packs small.", "挡风，收起来很小。"),
        skus: &[(Text("Blue / M", "蓝色 / M"), 15900, 60)],
    },
    Item {
        title: Text("Cashmere scarf", "羊绒围巾"),
        description: Text("Inner Mongolian cashmere.", "内蒙古羊绒。"),
        skus: &[(Text("Camel", "驼色"), 29900, 25), (Text("Charcoal", "炭灰"), 29900, 25)],
    },
    Item {
        title: Text("Thermal gloves", "保暖手套"),
        description: Text("Touchscreen fingertips.", "指尖可触屏。"),
        skus: &[(Text("M", "M"), 5900, 100), (Text("L", "L"), 5900, 90)],
    },
    Item {
        title: Text("Knit beanie", "针织毛线帽"),
        description: Text("Ribbed wool blend.", "罗纹羊毛混纺。"),
        skus: &[(Text("One size", "均码"), 4900, 150)],
    },
    Item {
        title: Text("Snow boots", "加绒雪地靴"),
        description: Text("Fleece-lined, grips on ice.", "内里加绒，冰面防滑。"),
        skus: &[(Text("39", "39 码"), 32900, 20), (Text("42", "42 码"), 32900, 20)],
    },
    Item {
        title: Text("Heated insoles", "发热鞋垫"),
        description: Text("USB rechargeable, three heat levels.", "USB 充电，三档调温。"),
        skus: &[(Text("38-41", "38-41 码"), 8900, 40)],
    },
    Item {
        title: Text("Thermal base layer set", "保暖内衣套装"),
        description: Text("Top and leggings, heat-retaining fabric.", "上衣加秋裤，蓄热面料。"),
        skus: &[(Text("M", "M"), 13900, 60), (Text("L", "L"), 13900, 50)],
    },
    Item {
        title: Text("Ear warmers", "毛绒耳罩"),
        description: Text("Foldable plush ear muffs.", "可折叠的毛绒耳罩。"),
        skus: &[(Text("Cream", "奶白"), 3900, 120)],
    },
];

const FARM: &[Item] = &[
    Item {
        title: Text("Tractor seat cushion", "拖拉机座椅垫"),
        description: Text("Gel cushion for long days in the field.", "凝胶坐垫，下地一整天也不累。"),
        skus: &[(Text("Universal", "通用款"), 15900, 30)],
    },
    Item {
        title: Text("Work gloves, 12 pairs", "劳保手套 12 双装"),
        description: Text("Nitrile-coated, for farm work.", "丁腈浸胶，干农活专用。"),
        skus: &[(Text("12 pairs", "12 双"), 4900, 200)],
    },
    Item {
        title: Text("Seed potatoes, 10 kg", "马铃薯种薯 10kg"),
        description: Text("Certified virus-free seed potatoes.", "经认证的脱毒种薯。"),
        skus: &[(Text("10 kg", "10kg"), 6900, 80)],
    },
    Item {
        title: Text("Hand-pushed seeder", "手推式播种机"),
        description: Text("Sows corn, soybeans and peanuts; adjustable spacing.", "玉米、大豆、花生都能播，株距可调。"),
        skus: &[(Text("2 rows", "2 行"), 38900, 12)],
    },
    Item {
        title: Text("Drip irrigation hose 50 m", "滴灌带 50 米"),
        description: Text("With 30 cm emitter spacing and fittings.", "滴头间距 30cm，配齐接头。"),
        skus: &[(Text("50 m", "50 米"), 8900, 60)],
    },
];

async fn user(state: &AppState, hash: &str, login: &str, name: &str, role: Role) -> Result<UserId> {
    let login = Login::parse(login)?;
    let user = state.db.create_user(NewUser { login: &login, password_hash: hash, display_name: name, role }, state.clock.now()).await?;
    Ok(user.user_id())
}

/// What a shop was stocked with: every SKU, and each product's first SKU
/// (in the order of its items).
struct Stocked {
    skus: Vec<SkuId>,
    firsts: Vec<SkuId>,
}

/// Adds a shop's products, each with its picture `products/<group>-<i>.jpg`.
async fn stock_shop(state: &AppState, shop: ShopId, category: CategoryId, (group, items): (&str, &[Item]), zh: bool) -> Result<Stocked> {
    let mut skus = Vec::new();
    let mut firsts = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let new = NewProduct {
            shop,
            category: Some(category),
            title: item.title.pick(zh).into(),
            description: item.description.pick(zh).into(),
            kind: ListingKind::Native,
            external_url: None,
            partner: None,
            active: true,
            voucher: None,
        };
        let rows: Vec<NewSku> = item
            .skus
            .iter()
            .enumerate()
            .map(|(i, (options, price, stock))| NewSku {
                code: format!("V{}", i + 1),
                options: options.pick(zh).into(),
                price_minor: *price,
                stock: *stock,
            })
            .collect();
        let product = state.db.create_product(&new, &rows, "CNY", state.clock.now()).await?;
        picture(state, ProductId(product.id), &format!("{group}-{i}")).await?;
        let made: Vec<SkuId> = state.db.skus(ProductId(product.id)).await?.into_iter().map(|s| SkuId(s.id)).collect();
        firsts.extend(made.first());
        skus.extend(made);
    }
    Ok(Stocked { skus, firsts })
}

async fn picture(state: &AppState, product: ProductId, name: &str) -> Result<()> {
    if let Some(bytes) = media::file(&format!("products/{name}.jpg")) {
        crate::services::catalog::store_image(state, product, bytes).await.map_err(|e| e.message)?;
    }
    Ok(())
}

/// One of the received oranges came bruised: a return the shop has not
/// answered yet, with the product's picture as the buyer's photo.
async fn open_case(
    state: &AppState,
    buyer: UserId,
    order: &haul_store::orders::OrderDetail,
    zh: bool,
    now: haul_domain::Timestamp,
) -> Result<()> {
    let line = &order.lines[0];
    let photo = state.db.product(ProductId(line.product_id)).await?.image_key;
    let reason = Text("One of the two boxes arrived crushed and several oranges are bruised.", "两箱中有一箱压坏了，好几个橙子磕伤。");
    let new = haul_store::aftersales::NewCase {
        buyer,
        order: OrderId(order.order.id),
        line: line.id,
        kind: haul_domain::aftersales::CaseKind::ReturnRefund,
        quantity: 1,
        reason: reason.pick(zh),
        image_keys: &photo.into_iter().collect::<Vec<_>>(),
    };
    state.db.open_case(new, &state.config.aftersale_deadlines(), now).await?;
    Ok(())
}

/// The shopper reviews what she received (newest first: the oranges, then
/// the tea, with its picture): real reviews of real orders, nothing more.
async fn review_received(state: &AppState, shopper: UserId, zh: bool, now: haul_domain::Timestamp) -> Result<()> {
    let said = [
        (4, Text("Sweet and juicy. One box came crushed; the orchard is sorting it out.", "很甜很多汁。有一箱压坏了，果园在处理。"), false),
        (5, Text("Fragrant, and the leaves open fully by the third brew. Buying again.", "香气足，第三泡叶子完全舒展。会回购。"), true),
    ];
    let orders = state.db.orders_of_buyer(shopper, &PageRequest::parse(Some(20), None)?).await?.items;
    let mut received: Vec<_> = orders.iter().filter(|o| o.status == OrderStatus::Completed).collect();
    received.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    for (o, (rating, text, picture)) in received.into_iter().zip(said) {
        let line = &state.db.order(OrderId(o.id)).await?.lines[0];
        let photo = if picture { state.db.product(ProductId(line.product_id)).await?.image_key } else { None };
        let new = haul_store::reviews::NewReview {
            author: shopper,
            line: line.id,
            rating,
            body: text.pick(zh),
            image_keys: &photo.into_iter().collect::<Vec<_>>(),
        };
        state.db.add_review(new, now).await?;
    }
    Ok(())
}

async fn product_of(state: &AppState, sku: SkuId) -> Result<ProductId> {
    Ok(ProductId(state.db.sku(sku).await?.product_id))
}

/// Fills an empty database; says so and does nothing otherwise.
pub async fn fill(state: &AppState) -> Result<()> {
    if !state.db.shops(&PageRequest::parse(Some(1), None)?).await?.items.is_empty() {
        println!("The database already has shops; demo data not added.");
        return Ok(());
    }
    let zh = demo_is_chinese(&state.config);
    let hash = hash_password(PASSWORD.into()).await.map_err(|e| e.message)?;
    let shopper = user(state, &hash, "shopper@haul.demo", Text("Xiao Mei", "小美").pick(zh), Role::Shopper).await?;
    let second = user(state, &hash, "+8613800138000", Text("Lao Wang", "老王").pick(zh), Role::Shopper).await?;
    let creator = user(state, &hash, "creator@haul.demo", Text("Li Jiaqi Fan", "佳琦铁粉").pick(zh), Role::Creator).await?;
    let farmer = user(state, &hash, "farmer@haul.demo", Text("Orchard Diaries", "果园日记").pick(zh), Role::Creator).await?;
    let tea_vlogger = user(state, &hash, "teatime@haul.demo", Text("Slow Tea", "慢慢喝茶").pick(zh), Role::Creator).await?;
    let leader = user(state, &hash, "leader@haul.demo", Text("Auntie Zhang", "张阿姨").pick(zh), Role::Shopper).await?;
    let operator = user(state, &hash, "operator@haul.demo", Text("Ops", "平台运营").pick(zh), Role::Operator).await?;
    let fruit_owner = user(state, &hash, "fruit@haul.demo", Text("Orchard Chen", "果园老陈").pick(zh), Role::Shopper).await?;
    let tea_owner = user(state, &hash, "tea@haul.demo", Text("Tea Master Lin", "林茶师").pick(zh), Role::Shopper).await?;
    let coat_owner = user(state, &hash, "jackets@haul.demo", Text("Winter Wu", "北风老吴").pick(zh), Role::Shopper).await?;
    let farm_owner = user(state, &hash, "farm@haul.demo", Text("Farmer Zhao", "种地老赵").pick(zh), Role::Shopper).await?;

    let now = state.clock.now();
    let mut categories = Vec::new();
    for (slug, name) in [
        ("fruit", Text("Fresh fruit", "新鲜水果")),
        ("tea", Text("Tea", "茶叶")),
        ("outerwear", Text("Outerwear", "外套服饰")),
        ("farm", Text("Farm & machinery", "农资农机")),
    ] {
        categories.push(CategoryId(state.db.create_category(slug, name.pick(zh)).await?.id));
    }
    let fruit = state
        .db
        .create_shop(
            &ShopOpening {
                owner: fruit_owner,
                slug: "sunny-orchard",
                name: Text("Sunny Orchard", "阳光果园").pick(zh),
                description: Text("Fruit straight from the orchard to your door.", "果园现摘直发，新鲜送到家。").pick(zh),
                currency: "CNY",
                status: ShopStatus::Active,
            },
            now,
        )
        .await?;
    let tea = state
        .db
        .create_shop(
            &ShopOpening {
                owner: tea_owner,
                slug: "misty-peak-tea",
                name: Text("Misty Peak Tea", "云雾峰茶庄").pick(zh),
                description: Text("Teas from the mountains where they grow best.", "好茶只产自最适合它生长的高山。").pick(zh),
                currency: "CNY",
                status: ShopStatus::Active,
            },
            now,
        )
        .await?;
    let coats = state
        .db
        .create_shop(
            &ShopOpening {
                owner: coat_owner,
                slug: "north-wind",
                name: Text("North Wind Outerwear", "北风服饰").pick(zh),
                description: Text("Puffy jackets and everything for the cold.", "羽绒服和各种御寒好物。").pick(zh),
                currency: "CNY",
                status: ShopStatus::Active,
            },
            now,
        )
        .await?;
    let farm = state
        .db
        .create_shop(
            &ShopOpening {
                owner: farm_owner,
                slug: "field-and-tractor",
                name: Text("Field & Tractor", "田野农机").pick(zh),
                description: Text("Farm supplies, and used machinery sold on partner sites.", "农资用品，二手农机在合作平台出售。")
                    .pick(zh),
                currency: "CNY",
                status: ShopStatus::Active,
            },
            now,
        )
        .await?;

    let fruit_stock = stock_shop(state, ShopId(fruit.id), categories[0], ("fruit", FRUIT), zh).await?;
    let tea_stock = stock_shop(state, ShopId(tea.id), categories[1], ("tea", TEA), zh).await?;
    let coat_stock = stock_shop(state, ShopId(coats.id), categories[2], ("jackets", JACKETS), zh).await?;
    let (fruit_skus, tea_skus, coat_skus) = (&fruit_stock.skus[..], &tea_stock.skus[..], &coat_stock.skus[..]);
    stock_shop(state, ShopId(farm.id), categories[3], ("farm", FARM), zh).await?;
    // The tractor is sold by quote, as on Kuaishou (buyers from far away ask,
    // the dealer answers); the transplanter links out to a partner site.
    let mut machines = Vec::new();
    for (title, url, price, name) in [
        (Text("Second-hand tractor, 50 hp, 2017", "二手拖拉机 50 马力 2017 年"), None, 4_800_000, "tractor"),
        (
            Text("Used rice transplanter, 6 rows", "二手水稻插秧机 6 行"),
            Some("https://example.com/listings/transplanter-6-row"),
            2_150_000,
            "transplanter",
        ),
    ] {
        let (kind, description) = match url {
            None => (
                ListingKind::Quote,
                Text(
                    "Inspected, serviced, 2,100 hours. Ask for a quote: we reply within a day with the price delivered to your county.",
                    "经检测保养，2100 小时。欢迎询价：一天内回复送到你所在县的价格。",
                ),
            ),
            Some(_) => (
                ListingKind::External,
                Text(
                    "Inspected machine sold through our partner marketplace; the price there is final.",
                    "经检测的农机，在合作平台出售，成交价以该平台为准。",
                ),
            ),
        };
        let new = NewProduct {
            shop: ShopId(farm.id),
            category: Some(categories[3]),
            title: title.pick(zh).into(),
            description: description.pick(zh).into(),
            kind,
            external_url: url.map(str::to_owned),
            partner: None,
            active: true,
            voucher: None,
        };
        let product = state
            .db
            .create_product(
                &new,
                &[NewSku {
                    code: "REF".into(), options: Text("reference price", "参考价").pick(zh).into(), price_minor: price, stock: 1
                }],
                "CNY",
                now,
            )
            .await?;
        picture(state, ProductId(product.id), name).await?;
        machines.push(ProductId(product.id));
    }

    // A flash deal running now on the oranges, and one coming on the tea.
    let hour = 3600;
    for (sku, price, quantity, starts, ends) in [
        (fruit_skus[0], 990, 200, now, now.plus_seconds(24 * hour)),
        (tea_skus[0], 8800, 30, now.plus_seconds(2 * hour), now.plus_seconds(3 * hour)),
    ] {
        let deal = NewDeal { sku, price_minor: price, quantity, per_shopper_cap: 2, starts_at: starts, ends_at: ends, live_room_id: None };
        state.db.create_deal(&deal, now).await?;
    }

    let ship_to = delivery::fill(state, [shopper, second], [ShopId(fruit.id), ShopId(tea.id)], now).await?;
    // Creators earn 20% on anything from the tea house, 8% from the orchard.
    // (offered a month ago, so the demo's older sales earned it too).
    for (shop, bps) in [(tea.id, 2_000), (fruit.id, 800)] {
        let plan = NewPlan { shop: ShopId(shop), product: None, creator: None, rate: RateBps::parse(bps)?, flat_fee_minor: 0 };
        state.db.create_plan(&plan, now.plus_seconds(-30 * 86_400)).await?;
    }
    // The stylist's showcase carries the tea house's best sellers.
    for sku in tea_skus.iter().take(3) {
        let product = haul_domain::ids::ProductId(state.db.sku(*sku).await?.product_id);
        state.db.add_to_showcase(creator, product, now).await?;
    }

    // A few orders at different stages, paid through the sandbox like any other.
    let plan = [
        (shopper, fruit_skus[0], 2, OrderStatus::Completed),
        (shopper, tea_skus[1], 1, OrderStatus::Shipped),
        (second, coat_skus[0], 1, OrderStatus::Paid),
        (second, fruit_skus[1], 3, OrderStatus::PendingPayment),
    ];
    for (buyer, sku, quantity, target) in plan {
        let lines = [(sku, Quantity::parse(quantity)?)];
        let checkout = Checkout {
            buyer,
            lines: &lines,
            idempotency: None,
            receive: Receive::Deliver(ship_to.get(&buyer).cloned()),
            pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
            now,
            clear_cart: false,
            video: None,
            room: None,
            coupons: &[],
        };
        let Placed::New(order) = state.db.place_order(checkout).await? else {
            continue;
        };
        let id = OrderId(order.order.id);
        if target == OrderStatus::PendingPayment {
            continue;
        }
        pay(state, &order.order, now).await?;
        if matches!(target, OrderStatus::Shipped | OrderStatus::Completed) {
            delivery::ship(state, id, now).await?;
        }
        if target == OrderStatus::Completed {
            state.db.confirm_received(id, buyer, haul_domain::orders::event_notes::RECEIVED, now).await?;
            open_case(state, buyer, &order, zh, now).await?;
        }
    }
    group::fill(state, ShopId(fruit.id), fruit_skus, group::People { leader, operator, shopper }, zh, now).await?;
    let creators = videos::Creators { farmer, tea: tea_vlogger, stylist: creator };
    let made = videos::fill(state, &videos::clips(creators, zh, &fruit_stock.firsts, &tea_stock.firsts, &coat_stock.firsts)).await?;
    affiliate::fill(state, [shopper, second], creator, tea_skus, fruit_skus, &ship_to, now).await?;
    review_received(state, shopper, zh, now).await?;
    let p = |stock: &Stocked, i: usize| product_of(state, stock.firsts[i]);
    let drafts = vec![
        notes::Draft {
            author: shopper,
            title: Text("Navel oranges for breakfast, a week in", "脐橙当早餐，吃了一周"),
            body: Text(
                "Bought the 5 kg box. Sweet, juicy, only two of forty were soft. Peels in one go, kids love them.",
                "买了 5kg 整箱。甜、水分足，四十个里只有两个偏软。一剥就开，孩子很爱吃。",
            ),
            tags: vec![p(&fruit_stock, 0).await?],
            rating: Some(5),
            sponsor: None,
        },
        notes::Draft {
            author: farmer,
            title: Text("Strawberry cream pots in ten minutes", "十分钟做草莓奶油杯"),
            body: Text(
                "Dandong strawberries, cream, crushed biscuits. Layer, chill, eat.",
                "丹东草莓、淡奶油、饼干碎。一层层叠好，冷藏，开吃。",
            ),
            tags: vec![p(&fruit_stock, 4).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: tea_vlogger,
            title: Text("My gongfu tea table, piece by piece", "我的功夫茶桌，一件件说"),
            body: Text(
                "Gaiwan, fair cup, six small cups and a tray that drains. Everything you need and nothing more.",
                "盖碗、公道杯、六只小杯和一个能排水的茶盘。够用，不多余。",
            ),
            tags: vec![p(&tea_stock, 9).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: shopper,
            title: Text("Brewing Tieguanyin: three steps", "冲泡铁观音的三个步骤"),
            body: Text(
                "Warm the gaiwan, rinse the leaves once, then short steeps: 10 s, 15 s, 20 s. Floral and long.",
                "温杯，洗茶一次，然后短时间出汤：10 秒、15 秒、20 秒。花香，回甘长。",
            ),
            tags: vec![p(&tea_stock, 1).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: creator,
            title: Text("A warm city outfit for minus ten", "零下十度的城市通勤穿搭"),
            body: Text(
                "Short puffer, knit beanie, wool trousers, snow boots. Warm on the platform, not too hot on the train.",
                "短款羽绒服、针织帽、羊毛裤、雪地靴。站台上暖和，地铁里不闷。",
            ),
            tags: vec![p(&coat_stock, 0).await?, p(&coat_stock, 10).await?],
            rating: None,
            sponsor: Some((ShopId(coats.id), coat_owner)),
        },
        notes::Draft {
            author: second,
            title: Text("Short puffer or bread puffer?", "短款羽绒服还是面包服？"),
            body: Text(
                "I own the short one. Lighter and easier to move in; the bread puffer is warmer sitting still.",
                "我买的是短款。更轻，活动方便；面包服坐着不动时更暖。",
            ),
            tags: vec![p(&coat_stock, 0).await?, p(&coat_stock, 3).await?],
            rating: Some(4),
            sponsor: None,
        },
        notes::Draft {
            author: farmer,
            title: Text("Mango smoothie, no sugar needed", "芒果奶昔，不用加糖"),
            body: Text("One ripe Hainan mango, yoghurt, ice. That is all.", "一个熟透的海南芒果、酸奶、冰块，就这些。"),
            tags: vec![p(&fruit_stock, 3).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: farmer,
            title: Text("Apple picking day in Yantai", "烟台摘苹果的一天"),
            body: Text("Twist, do not pull. The stem should stay on the apple.", "要拧，不要拽。果柄要留在苹果上。"),
            tags: vec![p(&fruit_stock, 2).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: creator,
            title: Text("A fruit platter for six", "六人份水果拼盘"),
            body: Text(
                "Grapes in the middle, pears and kiwis fanned around. Cut just before guests arrive.",
                "葡萄放中间，梨和猕猴桃扇形摆开。客人来前再切。",
            ),
            tags: vec![p(&fruit_stock, 7).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: tea_vlogger,
            title: Text("Opening a Pu'er cake without crumbs", "撬普洱饼不掉渣"),
            body: Text(
                "Pick in from the side, follow the layers, lift flakes. Store the rest wrapped.",
                "从侧面下针，顺着层次走，整片撬起。剩下的包好存放。",
            ),
            tags: vec![p(&tea_stock, 3).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: second,
            title: Text("Kids' puffer after a snowy week", "下雪一周后的儿童羽绒服"),
            body: Text("Washed twice, still fluffy. The hood stays on when he runs.", "洗了两次还很蓬松。跑起来帽子也不掉。"),
            tags: vec![p(&coat_stock, 5).await?],
            rating: None,
            sponsor: None,
        },
        notes::Draft {
            author: farmer,
            title: Text("Spring ploughing with a 50 hp tractor", "用 50 马力拖拉机春耕"),
            body: Text(
                "Enough for our twenty mu. Used ones sell well on the partner site.",
                "我们二十亩地足够了。二手的在合作平台上很好卖。",
            ),
            tags: vec![machines[0]],
            rating: None,
            sponsor: None,
        },
    ];
    let written = notes::fill(state, drafts, zh).await?;
    leads::fill(state, machines[0], [shopper, second], farm_owner, zh).await?;
    state.db.follow(shopper, farmer, true, now).await?;
    state.feed.refresh(&state.db, now).await?;
    let (on_air, replayed) = live_rooms(state, fruit_owner, ShopId(fruit.id), farmer, fruit_skus, zh, now).await?;
    coupons(state, [(ShopId(fruit.id), fruit_owner), (ShopId(tea.id), tea_owner)], operator, on_air, shopper, zh, now).await?;
    let farmer_video =
        state.db.videos_of_creator(farmer, &haul_domain::page::PageRequest::parse(Some(1), None)?).await?.items.first().map(|v| v.id);
    let stock = sales::Stock {
        fruit: &fruit_stock.firsts,
        tea: &tea_stock.firsts,
        video: farmer_video,
        room: (on_air.get(), fruit_owner.get()),
        session: (replayed.get(), now.plus_seconds(-7 * 86_400)),
        owners: [fruit_owner, tea_owner],
    };
    let sold = sales::fill(state, &hash, &ship_to, &stock, zh, now).await?;
    local::fill(state, &hash, creator, shopper, zh, now).await?;
    let count = FRUIT.len() + TEA.len() + JACKETS.len() + FARM.len() + 4;
    let language = if zh { "Simplified Chinese" } else { "English" };
    println!(
        "Demo store ready in {language}: 6 shops (a barbershop and a tea house selling vouchers at /near), {count} products, {sold} orders over the last four weeks at /best-sellers, a flash deal on the oranges, a team buy on the apples, a community campaign at /communities, {made} videos at /watch, {written} notes at /notes, a live room at /live (stream into it with the key on its host page). Sign in as shopper@haul.demo (or fruit@haul.demo for a shop) with password {PASSWORD}."
    );
    Ok(())
}

/// Sunny Orchard's room, ready for its stream (bag filled, the oranges
/// pinned), a creator's room tomorrow evening, and last week's session of
/// the orchard, replayable: the rooms on air and replayed.
async fn live_rooms(
    state: &AppState,
    owner: UserId,
    shop: ShopId,
    creator: UserId,
    skus: &[SkuId],
    zh: bool,
    now: haul_domain::Timestamp,
) -> Result<(RoomId, RoomId)> {
    let mut products = Vec::new();
    for sku in skus.iter().take(4) {
        let product = haul_domain::ids::ProductId(state.db.sku(*sku).await?.product_id);
        if !products.contains(&product) {
            products.push(product);
        }
    }
    let rooms = [
        (owner, Some(shop), Text("Orange harvest, live from the orchard", "果园直播：脐橙丰收现场"), now, "products/fruit-0.jpg"),
        (
            creator,
            None,
            Text("Picking persimmons with Orchard Diaries", "跟果园日记一起摘柿子"),
            now.plus_seconds(24 * 3600),
            "products/fruit-13.jpg",
        ),
        (
            owner,
            Some(shop),
            Text("Last week's orchard live, replay", "上周果园直播回放"),
            now.plus_seconds(-7 * 86_400),
            "replay/poster.jpg",
        ),
    ];
    let (mut first, mut replayed) = (None, None);
    for (i, (host, shop, title, starts_at, cover)) in rooms.into_iter().enumerate() {
        let key = crate::auth::random_token();
        let new = haul_store::live::NewRoom {
            host,
            shop,
            title: title.pick(zh),
            cover_key: None,
            starts_at,
            stream_key: &key,
            products: &products,
            now,
        };
        let room = state.db.create_room(new).await?;
        first.get_or_insert(RoomId(room.id));
        state.db.pin(RoomId(room.id), products.first().copied()).await?;
        if let Some(bytes) = media::file(cover) {
            let key = format!("rooms/{}/cover.jpg", room.id);
            state.media.put(&key, bytes).await?;
            state.db.set_room_cover(RoomId(room.id), &key).await?;
        }
        if i == 2 {
            replay(state, RoomId(room.id), starts_at, "replay").await?;
            replayed = Some(RoomId(room.id));
        }
    }
    first.zip(replayed).ok_or_else(|| "no demo room".into())
}

/// The orchard's coupon and the platform's (the shopper holds one of
/// each), a coupon claimed in the orchard's live room while it is on air,
/// and the tea house's for followers.
async fn coupons(
    state: &AppState,
    [(orchard, orchard_owner), (tea, tea_owner)]: [(ShopId, UserId); 2],
    operator: UserId,
    room: RoomId,
    shopper: UserId,
    zh: bool,
    now: haul_domain::Timestamp,
) -> Result<()> {
    use haul_domain::coupons::{CouponKind, Terms};
    let weeks = (now, now.plus_seconds(14 * 86_400));
    let made = [
        (
            Some(orchard),
            orchard_owner,
            CouponKind::Shop,
            Text("Orchard ¥10 off", "果园满50减10"),
            Terms::parse(Some(1_000), None, 5_000, weeks, 500, 1)?,
        ),
        (
            Some(orchard),
            orchard_owner,
            CouponKind::Live,
            Text("Live-only ¥5 off", "直播间专享5元券"),
            Terms::parse(Some(500), None, 3_000, weeks, 100, 1)?,
        ),
        (
            Some(tea),
            tea_owner,
            CouponKind::Follower,
            Text("Followers 15% off", "粉丝专享85折"),
            Terms::parse(None, Some(1_500), 0, weeks, 200, 1)?,
        ),
        (
            None,
            operator,
            CouponKind::Platform,
            Text("Haul ¥5 off ¥39", "平台满39减5"),
            Terms::parse(Some(500), None, 3_900, weeks, 10_000, 1)?,
        ),
    ];
    for (shop, owner, kind, title, terms) in made {
        let new = haul_store::coupons::NewCoupon {
            shop,
            kind,
            title: title.pick(zh),
            terms,
            currency: "CNY",
            product: None,
            room: (kind == CouponKind::Live).then_some(room.get()),
            creator: (kind == CouponKind::Follower).then_some(owner),
            created_by: owner,
        };
        let coupon = state.db.create_coupon(&new, now).await?;
        if matches!(kind, CouponKind::Shop | CouponKind::Platform) {
            state.db.claim_coupon(coupon.id, shopper, now).await?;
        }
    }
    Ok(())
}

/// Ends a room as if it had streamed, with an embedded recording (`replay`
/// or `visit`) as its replay (the playlist and segments named as the media
/// server names them).
async fn replay(state: &AppState, room: RoomId, started: haul_domain::Timestamp, recording: &str) -> Result<()> {
    let Some(playlist) = media::file(&format!("{recording}/{recording}.m3u8")) else { return Ok(()) };
    let dir = state.config.hls_dir();
    let prefix = format!("{}-replay-", room.get());
    let segments = format!("{recording}/seg-");
    for (name, bytes) in media::under(recording).filter(|(n, _)| n.ends_with(".ts")) {
        let segment = name.trim_start_matches(&segments);
        tokio::fs::write(dir.join(format!("{prefix}{segment}")), bytes).await?;
    }
    let playlist = String::from_utf8_lossy(playlist).replace("seg-", &prefix);
    tokio::fs::write(dir.join(format!("{}-replay.m3u8", room.get())), playlist).await?;
    state.media.keep_replay(&dir, room.get()).await?;
    state.db.go_live(room, started).await?;
    state.db.end_room(room, started.plus_seconds(1800)).await?;
    state.db.set_replay(room).await?;
    Ok(())
}

/// Pays an order through the sandbox provider, as its webhook would.
async fn pay(state: &AppState, order: &haul_store::orders::Order, now: haul_domain::Timestamp) -> Result<()> {
    let reference = format!("sbx_demo_{}", order.id);
    state.db.create_payment(order, "sandbox", &reference, now).await?;
    let amount = Money { minor: order.total_minor, currency: Currency::parse(&order.currency)? };
    state.db.apply_payment_succeeded("sandbox", &format!("evt_demo_{}", order.id), &reference, amount, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_wins_then_the_locale_decides() {
        assert!(is_chinese("zh-CN", None));
        assert!(is_chinese("zh_CN", Some("en_US.UTF-8")));
        assert!(!is_chinese("en", Some("zh_CN.UTF-8")));
        assert!(!is_chinese("klingon", Some("zh_CN.UTF-8")));
        assert!(is_chinese("", Some("zh_CN.UTF-8")));
        assert!(is_chinese(" ", Some("zh_TW.UTF-8")));
        assert!(!is_chinese("", Some("C.UTF-8")));
        assert!(!is_chinese("", None));
    }

    #[test]
    fn every_text_has_both_languages_and_the_same_numbers() {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        for item in FRUIT.iter().chain(TEA).chain(JACKETS).chain(FARM) {
            let texts = [item.title, item.description].into_iter().chain(item.skus.iter().map(|s| s.0));
            for Text(en, zh) in texts {
                assert!(!zh.is_empty() && (en != zh || en.len() <= 2), "{en} / {zh}");
            }
            for (Text(en, zh), ..) in item.skus {
                assert_eq!(digits(en), digits(zh), "{en} / {zh}");
            }
        }
    }
}
