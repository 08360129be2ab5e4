//! Local shops on the demo's map, as Xiaohongshu's merchants went live: a
//! barbershop and a tea house in Shanghai sell vouchers; a creator visited
//! the tea house live (its replay sells both vouchers); the shopper bought
//! one of each there, and used the tea house's yesterday afternoon.

use super::{Result, Text, media, pay, picture, user};
use crate::AppState;
use haul_domain::accounts::Role;
use haul_domain::affiliate::RateBps;
use haul_domain::catalog::ListingKind;
use haul_domain::community::{GeoPoint, local_date};
use haul_domain::ids::{ProductId, RoomId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::moderation::ShopStatus;
use haul_domain::vouchers::{TermsForm, VoucherCode};
use haul_domain::{DomainError, Timestamp};
use haul_store::affiliate::NewPlan;
use haul_store::catalog::{NewProduct, NewSku, ShopOpening};
use haul_store::orders::{Checkout, Placed, Receive};

const BEIJING: i64 = 480;
const DAY_S: i64 = 86_400;

struct Local {
    login: &'static str,
    owner: Text,
    slug: &'static str,
    name: Text,
    about: Text,
    at: (f64, f64),
    address: Text,
    voucher: Text,
    covers: Text,
    hours: (&'static str, &'static str),
    price_minor: i64,
    picture: &'static str,
}

const SHOPS: [Local; 2] = [
    Local {
        login: "teahouse@haul.demo",
        owner: Text("Auntie Gu", "顾阿姨"),
        slug: "yuyuan-tea-house",
        name: Text("Yuyuan Tea House", "豫园茶馆"),
        about: Text(
            "A tea room by the old garden, open day and night: pots of tea, snacks, a window seat.",
            "老城厢里的茶室，昼夜营业：一壶好茶、几样茶点、临窗的座位。",
        ),
        at: (31.2272, 121.4921),
        address: Text("137 Yuyuan Old Street, Huangpu, Shanghai", "上海市黄浦区豫园老街 137 号"),
        voucher: Text("Afternoon tea for two", "双人下午茶券"),
        covers: Text("A pot of tea of your choice and four snacks for two", "任选一壶茶，配四样茶点，两人份"),
        // The same time twice: usable at any hour.
        hours: ("00:00", "00:00"),
        price_minor: 12_800,
        picture: "voucher-teahouse",
    },
    Local {
        login: "barber@haul.demo",
        owner: Text("Master Sun", "孙师傅"),
        slug: "jingan-barber",
        name: Text("Jing'an Barber", "静安理发"),
        about: Text("Cuts, shaves and hot towels since 1998.", "1998 年开到现在的理发店：剪发、修面、热毛巾。"),
        at: (31.2243, 121.4468),
        address: Text("66 Yuyuan Road, Jing'an, Shanghai", "上海市静安区愚园路 66 号"),
        voucher: Text("Cut & wash voucher", "洗剪吹套餐券"),
        covers: Text("A haircut, wash and blow-dry with any stylist", "任选发型师，洗剪吹一次"),
        hours: ("10:00", "21:00"),
        price_minor: 6_800,
        picture: "voucher-barber",
    },
];

pub async fn fill(state: &AppState, hash: &str, creator: UserId, shopper: UserId, zh: bool, now: Timestamp) -> Result<()> {
    let mut sold = Vec::new();
    for s in SHOPS {
        let owner = user(state, hash, s.login, s.owner.pick(zh), Role::Shopper).await?;
        let opening = ShopOpening {
            owner,
            slug: s.slug,
            name: s.name.pick(zh),
            description: s.about.pick(zh),
            currency: "CNY",
            status: ShopStatus::Active,
        };
        let shop = ShopId(state.db.create_shop(&opening, now).await?.id);
        state.db.set_shop_location(shop, GeoPoint::parse(s.at.0, s.at.1)?, s.address.pick(zh), 3000).await?;
        let terms = TermsForm {
            valid_from: &local_date(now.plus_seconds(-30 * DAY_S), BEIJING),
            valid_until: &local_date(now.plus_seconds(90 * DAY_S), BEIJING),
            opens: s.hours.0,
            closes: s.hours.1,
            per_person: 4,
            refund_unused: true,
            utc_offset_minutes: BEIJING,
        }
        .terms()?;
        let new = NewProduct {
            shop,
            category: None,
            title: s.voucher.pick(zh).into(),
            description: s.about.pick(zh).into(),
            kind: ListingKind::Voucher,
            external_url: None,
            partner: None,
            active: true,
            voucher: Some((s.covers.pick(zh).into(), terms)),
        };
        let sku =
            NewSku {
                code: "VOUCHER".into(), options: Text("One voucher", "单张").pick(zh).into(), price_minor: s.price_minor, stock: 500
            };
        let product = ProductId(state.db.create_product(&new, &[sku], "CNY", now.plus_seconds(-30 * DAY_S)).await?.id);
        picture(state, product, s.picture).await?;
        let sku = SkuId(state.db.skus(product).await?.first().ok_or("a voucher without a SKU")?.id);
        sold.push((shop, owner, product, sku));
    }
    // The tea house pays creators 10% of what they sell (once it is used).
    let (tea_house, tea_owner, ..) = sold[0];
    let plan = NewPlan { shop: tea_house, product: None, creator: None, rate: RateBps::parse(1_000)?, flat_fee_minor: 0 };
    state.db.create_plan(&plan, now.plus_seconds(-30 * DAY_S)).await?;

    // The creator's visit, three days ago, 14:00 to 14:30 in Shanghai: both vouchers in the bag.
    let day_start = |days_ago: i64| {
        let local = now.millis() + BEIJING * 60_000;
        Timestamp::from_millis((local.div_euclid(DAY_S * 1000) - days_ago) * DAY_S * 1000 - BEIJING * 60_000)
    };
    let visited = day_start(3).plus_seconds(14 * 3600);
    let products: Vec<ProductId> = sold.iter().map(|s| s.2).collect();
    let key = crate::auth::random_token();
    let title = Text("Exploring Yuyuan Tea House, live", "探店直播：豫园茶馆");
    let new = haul_store::live::NewRoom {
        host: creator,
        shop: None,
        title: title.pick(zh),
        cover_key: None,
        starts_at: visited,
        stream_key: &key,
        products: &products,
        now: visited,
    };
    let room = RoomId(state.db.create_room(new).await?.id);
    state.db.pin(room, products.first().copied()).await?;
    if let Some(bytes) = media::file("visit/poster.jpg") {
        let key = format!("rooms/{}/cover.jpg", room.get());
        state.media.put(&key, bytes).await?;
        state.db.set_room_cover(room, &key).await?;
    }
    super::replay(state, room, visited, "visit").await?;

    // Bought while watching: the tea, used yesterday at three; the haircut, still to use.
    let mut orders = Vec::new();
    for (i, (_, _, _, sku)) in sold.iter().enumerate() {
        let at = visited.plus_seconds(20 * 60 + i as i64 * 60);
        let lines = [(*sku, Quantity::parse(1)?)];
        let checkout = Checkout {
            buyer: shopper,
            lines: &lines,
            idempotency: None,
            receive: Receive::UseAtShop,
            pay_by: at.plus_seconds(state.config.payment_timeout_seconds),
            now: at,
            clear_cart: false,
            video: None,
            room: Some((room.get(), creator.get())),
            coupons: &[],
        };
        let Placed::New(order) = state.db.place_order(checkout).await? else { continue };
        pay(state, &order.order, at).await?;
        orders.push(order.order.id);
    }
    let used = state.db.vouchers_of_order(haul_domain::ids::OrderId(*orders.first().ok_or("no voucher order")?)).await?;
    for v in used {
        let code = VoucherCode::parse(&v.code).map_err(|e: DomainError| e.to_string())?;
        state.db.redeem_voucher(tea_house, &code, tea_owner, day_start(1).plus_seconds(15 * 3600)).await?;
    }
    Ok(())
}
