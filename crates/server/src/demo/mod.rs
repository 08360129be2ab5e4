//! The demo store: what a newcomer sees first. Four shops from the seeds'
//! world (fruit at ¥19.90, tea, puffy jackets, a second-hand tractor sold on
//! another site), 50+ products, a user in every role, and a few orders.
//! Filling is skipped when the database already has shops.

use crate::AppState;
use crate::app::StartError;

mod delivery;
mod group;
mod videos;

type Result<T> = std::result::Result<T, StartError>;
use crate::auth::hash_password;
use haul_domain::accounts::{Login, Role};
use haul_domain::catalog::ListingKind;
use haul_domain::ids::{CategoryId, OrderId, RoomId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::moderation::ShopStatus;
use haul_domain::orders::OrderStatus;
use haul_domain::page::PageRequest;
use haul_domain::{Currency, Money};
use haul_store::accounts::NewUser;
use haul_store::catalog::{NewProduct, NewSku, ShopOpening};
use haul_store::deals::NewDeal;
use haul_store::orders::{Checkout, Placed, Receive};

/// Every demo account signs in with this password.
pub const PASSWORD: &str = "haul-demo";

struct Item {
    title: &'static str,
    description: &'static str,
    /// (options, price in fen, stock)
    skus: &'static [(&'static str, i64, i64)],
}

const FRUIT: &[Item] = &[
    Item {
        title: "Gannan navel oranges 5 kg",
        description: "Picked this week in Ganzhou. Sweet, seedless, easy to peel.",
        skus: &[("5 kg box", 1990, 500)],
    },
    Item { title: "Sugar oranges 2.5 kg", description: "Small, thin-skinned and very sweet.", skus: &[("2.5 kg", 1990, 300)] },
    Item {
        title: "Yantai Fuji apples",
        description: "Crisp apples from Shandong orchards.",
        skus: &[("12 apples", 2990, 200), ("24 apples", 5490, 80)],
    },
    Item { title: "Hainan mangoes", description: "Golden mangoes, ripen in two days at room temperature.", skus: &[("2 kg", 3590, 120)] },
    Item { title: "Dandong strawberries", description: "Red-faced strawberries, shipped chilled.", skus: &[("500 g", 4990, 60)] },
    Item { title: "Korla fragrant pears", description: "Juicy Xinjiang pears with a floral scent.", skus: &[("3 kg", 3290, 150)] },
    Item { title: "Guanxi honey pomelo", description: "Red-flesh pomelo, two per box.", skus: &[("2 pomelos", 2590, 180)] },
    Item { title: "Shine Muscat grapes", description: "Seedless green grapes, crunchy and sweet.", skus: &[("1 kg", 3990, 90)] },
    Item { title: "Lychees from Maoming", description: "Fei Zi Xiao lychees, air-freighted.", skus: &[("1 kg", 4590, 0)] },
    Item { title: "Kiwifruit, Zhouzhi", description: "Green kiwis, 30 in a box.", skus: &[("30 pieces", 3990, 100)] },
    Item { title: "Blueberries 4 boxes", description: "125 g boxes from Yunnan.", skus: &[("4 × 125 g", 4990, 70)] },
    Item {
        title: "Dragon fruit, red flesh",
        description: "Vietnamese-style red pitaya grown in Guangxi.",
        skus: &[("5 fruits", 2990, 110)],
    },
    Item { title: "Cherry tomatoes", description: "Snack tomatoes, sweet as fruit.", skus: &[("1.5 kg", 1990, 250)] },
    Item { title: "Persimmons, crisp", description: "Firm persimmons, eat them crunchy.", skus: &[("2 kg", 2290, 90)] },
    Item { title: "Passion fruit", description: "Purple passion fruit, wrinkly means ripe.", skus: &[("20 fruits", 1990, 300)] },
];

const TEA: &[Item] = &[
    Item {
        title: "West Lake Longjing, pre-Qingming",
        description: "The first flush of Dragon Well green tea.",
        skus: &[("50 g tin", 12800, 40), ("250 g", 56800, 10)],
    },
    Item { title: "Anxi Tieguanyin", description: "Iron Goddess oolong, light roast.", skus: &[("125 g", 6800, 80)] },
    Item { title: "Wuyi Da Hong Pao", description: "Rock oolong with a roasted, mineral finish.", skus: &[("100 g", 9800, 60)] },
    Item { title: "Yunnan ripe Pu'er cake", description: "357 g cake, aged five years.", skus: &[("357 g cake", 16800, 30)] },
    Item { title: "Keemun black tea", description: "Winey, orchid-scented Qimen black tea.", skus: &[("100 g", 5800, 90)] },
    Item { title: "Jasmine pearls", description: "Green tea rolled by hand and scented with jasmine.", skus: &[("100 g", 4800, 120)] },
    Item { title: "Bai Mu Dan white tea", description: "White Peony from Fuding, gentle and sweet.", skus: &[("100 g", 5600, 70)] },
    Item { title: "Biluochun", description: "Spiral green tea from Dongting mountain.", skus: &[("100 g", 8800, 40)] },
    Item { title: "Lapsang souchong", description: "Pine-smoked black tea from Tongmu.", skus: &[("100 g", 6600, 50)] },
    Item {
        title: "Gongfu tea set",
        description: "Gaiwan, pitcher and six cups in celadon.",
        skus: &[("celadon", 19800, 25), ("white porcelain", 16800, 25)],
    },
    Item { title: "Dancong oolong, honey orchid", description: "Phoenix mountain single-bush oolong.", skus: &[("50 g", 7800, 35)] },
    Item { title: "Chrysanthemum buds", description: "Tai Ju buds for a caffeine-free evening cup.", skus: &[("50 g", 2600, 150)] },
    Item { title: "Yixing clay teapot", description: "Zisha pot, 180 ml, made by hand.", skus: &[("180 ml", 32800, 8)] },
    Item { title: "Tea sampler, 8 kinds", description: "Eight teas to find your favourite.", skus: &[("8 × 8 g", 3900, 200)] },
    Item { title: "Matcha, stone-ground", description: "Ceremonial grade from Guizhou.", skus: &[("40 g", 6900, 60)] },
];

const JACKETS: &[Item] = &[
    Item {
        title: "Puffy down jacket, short",
        description: "90% duck down, water-repellent shell.",
        skus: &[("Black / M", 39900, 40), ("Black / L", 39900, 35), ("Cream / M", 39900, 20)],
    },
    Item {
        title: "Long down coat, hooded",
        description: "Knee-length, for Harbin winters.",
        skus: &[("Black / M", 69900, 15), ("Khaki / L", 69900, 12)],
    },
    Item {
        title: "Lightweight packable down",
        description: "Folds into its own pocket.",
        skus: &[("Navy / M", 25900, 50), ("Navy / L", 25900, 45)],
    },
    Item {
        title: "Bread puffer, oversized",
        description: "The round 'bread' silhouette, very warm.",
        skus: &[("Pink / S", 45900, 18), ("Silver / M", 45900, 22)],
    },
    Item { title: "Down vest", description: "Layer it over a hoodie.", skus: &[("Black / M", 19900, 60), ("Olive / L", 19900, 40)] },
    Item {
        title: "Kids' puffy jacket",
        description: "Reflective strips, machine washable.",
        skus: &[("110 cm", 22900, 30), ("130 cm", 22900, 30)],
    },
    Item { title: "Fleece jacket", description: "Soft polar fleece, full zip.", skus: &[("Grey / M", 12900, 80), ("Grey / L", 12900, 70)] },
    Item { title: "Windbreaker shell", description: "Windproof, packs small.", skus: &[("Blue / M", 15900, 60)] },
    Item { title: "Cashmere scarf", description: "Inner Mongolian cashmere.", skus: &[("Camel", 29900, 25), ("Charcoal", 29900, 25)] },
    Item { title: "Thermal gloves", description: "Touchscreen fingertips.", skus: &[("M", 5900, 100), ("L", 5900, 90)] },
    Item { title: "Knit beanie", description: "Ribbed wool blend.", skus: &[("One size", 4900, 150)] },
    Item { title: "Snow boots", description: "Fleece-lined, grips on ice.", skus: &[("39", 32900, 20), ("42", 32900, 20)] },
    Item { title: "Heated insoles", description: "USB rechargeable, three heat levels.", skus: &[("38-41", 8900, 40)] },
    Item {
        title: "Thermal base layer set",
        description: "Top and leggings, heat-retaining fabric.",
        skus: &[("M", 13900, 60), ("L", 13900, 50)],
    },
    Item { title: "Ear warmers", description: "Foldable plush ear muffs.", skus: &[("Cream", 3900, 120)] },
];

const FARM: &[Item] = &[
    Item { title: "Tractor seat cushion", description: "Gel cushion for long days in the field.", skus: &[("Universal", 15900, 30)] },
    Item { title: "Work gloves, 12 pairs", description: "Nitrile-coated, for farm work.", skus: &[("12 pairs", 4900, 200)] },
    Item { title: "Seed potatoes, 10 kg", description: "Certified virus-free seed potatoes.", skus: &[("10 kg", 6900, 80)] },
    Item {
        title: "Hand-pushed seeder",
        description: "Sows corn, soybeans and peanuts; adjustable spacing.",
        skus: &[("2 rows", 38900, 12)],
    },
    Item { title: "Drip irrigation hose 50 m", description: "With 30 cm emitter spacing and fittings.", skus: &[("50 m", 8900, 60)] },
];

async fn user(state: &AppState, hash: &str, login: &str, name: &str, role: Role) -> Result<UserId> {
    let login = Login::parse(login)?;
    let user = state.db.create_user(NewUser { login: &login, password_hash: hash, display_name: name, role }, state.clock.now()).await?;
    Ok(user.user_id())
}

async fn stock_shop(state: &AppState, shop: ShopId, category: CategoryId, items: &[Item]) -> Result<Vec<SkuId>> {
    let mut skus = Vec::new();
    for item in items {
        let new = NewProduct {
            shop,
            category: Some(category),
            title: item.title.into(),
            description: item.description.into(),
            kind: ListingKind::Native,
            external_url: None,
            partner: None,
            active: true,
        };
        let rows: Vec<NewSku> = item
            .skus
            .iter()
            .enumerate()
            .map(|(i, (options, price, stock))| NewSku {
                code: format!("V{}", i + 1),
                options: (*options).into(),
                price_minor: *price,
                stock: *stock,
            })
            .collect();
        let product = state.db.create_product(&new, &rows, "CNY", state.clock.now()).await?;
        skus.extend(state.db.skus(haul_domain::ids::ProductId(product.id)).await?.into_iter().map(|s| SkuId(s.id)));
    }
    Ok(skus)
}

/// Fills an empty database; says so and does nothing otherwise.
pub async fn fill(state: &AppState) -> Result<()> {
    if !state.db.shops(&PageRequest::parse(Some(1), None)?).await?.items.is_empty() {
        println!("The database already has shops; demo data not added.");
        return Ok(());
    }
    let hash = hash_password(PASSWORD.into()).await.map_err(|e| e.message)?;
    let shopper = user(state, &hash, "shopper@haul.demo", "Xiao Mei", Role::Shopper).await?;
    let second = user(state, &hash, "+8613800138000", "Lao Wang", Role::Shopper).await?;
    let creator = user(state, &hash, "creator@haul.demo", "Li Jiaqi Fan", Role::Creator).await?;
    let farmer = user(state, &hash, "farmer@haul.demo", "Orchard Diaries", Role::Creator).await?;
    let tea_vlogger = user(state, &hash, "teatime@haul.demo", "Slow Tea", Role::Creator).await?;
    let leader = user(state, &hash, "leader@haul.demo", "Auntie Zhang", Role::Shopper).await?;
    let operator = user(state, &hash, "operator@haul.demo", "Ops", Role::Operator).await?;
    let fruit_owner = user(state, &hash, "fruit@haul.demo", "Orchard Chen", Role::Shopper).await?;
    let tea_owner = user(state, &hash, "tea@haul.demo", "Tea Master Lin", Role::Shopper).await?;
    let coat_owner = user(state, &hash, "jackets@haul.demo", "Winter Wu", Role::Shopper).await?;
    let farm_owner = user(state, &hash, "farm@haul.demo", "Farmer Zhao", Role::Shopper).await?;

    let now = state.clock.now();
    let mut categories = Vec::new();
    for (slug, name) in [("fruit", "Fresh fruit"), ("tea", "Tea"), ("outerwear", "Outerwear"), ("farm", "Farm & machinery")] {
        categories.push(CategoryId(state.db.create_category(slug, name).await?.id));
    }
    let fruit = state
        .db
        .create_shop(
            &ShopOpening {
                owner: fruit_owner,
                slug: "sunny-orchard",
                name: "Sunny Orchard",
                description: "Fruit straight from the orchard to your door.",
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
                name: "Misty Peak Tea",
                description: "Teas from the mountains where they grow best.",
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
                name: "North Wind Outerwear",
                description: "Puffy jackets and everything for the cold.",
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
                name: "Field & Tractor",
                description: "Farm supplies, and used machinery sold on partner sites.",
                currency: "CNY",
                status: ShopStatus::Active,
            },
            now,
        )
        .await?;

    let fruit_skus = stock_shop(state, ShopId(fruit.id), categories[0], FRUIT).await?;
    let tea_skus = stock_shop(state, ShopId(tea.id), categories[1], TEA).await?;
    let coat_skus = stock_shop(state, ShopId(coats.id), categories[2], JACKETS).await?;
    stock_shop(state, ShopId(farm.id), categories[3], FARM).await?;
    for (title, url, price) in [
        ("Second-hand tractor, 50 hp, 2017", "https://example.com/listings/tractor-50hp-2017", 4_800_000),
        ("Used rice transplanter, 6 rows", "https://example.com/listings/transplanter-6-row", 2_150_000),
    ] {
        let new = NewProduct {
            shop: ShopId(farm.id),
            category: Some(categories[3]),
            title: title.into(),
            description: "Inspected machine sold through our partner marketplace; the price there is final.".into(),
            kind: ListingKind::External,
            external_url: Some(url.into()),
            partner: None,
            active: true,
        };
        state
            .db
            .create_product(
                &new,
                &[NewSku { code: "REF".into(), options: "reference price".into(), price_minor: price, stock: 1 }],
                "CNY",
                now,
            )
            .await?;
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
            state.db.confirm_received(id, buyer, now).await?;
        }
    }
    group::fill(state, ShopId(fruit.id), &fruit_skus, group::People { leader, operator, shopper }, now).await?;
    let creators = videos::Creators { farmer, tea: tea_vlogger, stylist: creator };
    let made = videos::fill(state, &videos::clips(creators, &fruit_skus, &tea_skus, &coat_skus)).await?;
    state.db.follow(shopper, farmer, true, now).await?;
    state.feed.refresh(&state.db, now).await?;
    live_rooms(state, fruit_owner, ShopId(fruit.id), farmer, &fruit_skus, now).await?;
    let count = FRUIT.len() + TEA.len() + JACKETS.len() + FARM.len() + 2;
    println!(
        "Demo store ready: 4 shops, {count} products, a flash deal on the oranges, a team buy on the apples, a community campaign at /communities, {made} videos at /watch, a live room at /live (stream into it with the key on its host page). Sign in as shopper@haul.demo (or fruit@haul.demo for a shop) with password {PASSWORD}."
    );
    Ok(())
}

/// Sunny Orchard's room, ready for its stream (bag filled, the oranges
/// pinned), and a creator's room tomorrow evening.
async fn live_rooms(
    state: &AppState,
    owner: UserId,
    shop: ShopId,
    creator: UserId,
    skus: &[SkuId],
    now: haul_domain::Timestamp,
) -> Result<()> {
    let mut products = Vec::new();
    for sku in skus.iter().take(4) {
        let product = haul_domain::ids::ProductId(state.db.sku(*sku).await?.product_id);
        if !products.contains(&product) {
            products.push(product);
        }
    }
    let rooms = [
        (owner, Some(shop), "Orange harvest, live from the orchard", now),
        (creator, None, "Picking persimmons with Orchard Diaries", now.plus_seconds(24 * 3600)),
    ];
    for (host, shop, title, starts_at) in rooms {
        let key = crate::auth::random_token();
        let new = haul_store::live::NewRoom { host, shop, title, cover_key: None, starts_at, stream_key: &key, products: &products, now };
        let room = state.db.create_room(new).await?;
        state.db.pin(RoomId(room.id), products.first().copied()).await?;
    }
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
