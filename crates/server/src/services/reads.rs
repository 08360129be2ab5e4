//! What shoppers browse (product lists, products with their SKUs and shop,
//! categories, deals, coupons, team offers and prices, voucher terms,
//! reviews and shops' scores, notes and rooms),
//! the same for every viewer, read through a cache that any write
//! to the record makes stale (`haul_store::Changes`; other nodes' writes
//! arrive through Redis, see `crate::changes_bus`). A page of products then
//! costs a lookup instead of round trips to the database. What moves with
//! the clock (whether a deal has started or ended, the units it has left)
//! is decided when the page is drawn, never cached.

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::ids::{ProductId, ShopId, TeamOfferId};
use haul_domain::live::RoomStatus;
use haul_domain::page::{Page, PageRequest};
use haul_store::Changes;
use haul_store::catalog::{Category, Product, ProductFilter, ProductSummary, Shop, Sku};
use haul_store::content::{NoteCard, NoteFilter};
use haul_store::coupons::Coupon;
use haul_store::deals::Deal;
use haul_store::live::Room;
use haul_store::teams::{Team, TeamOffer};
use haul_store::vouchers::VoucherOffer;
use lru::LruCache;
use std::any::Any;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Entries kept: a list of a hundred cards is about 30 KiB, a page of
/// reviews with long texts up to about 200 KiB; whatever the mix, bounded.
const ENTRIES: NonZeroUsize = NonZeroUsize::new(1024).unwrap();

/// The longest an entry serves, should a write's count never arrive (a
/// message between nodes lost while Redis restarted).
const MAX_AGE: Duration = Duration::from_secs(5);

#[derive(Clone, Hash, PartialEq, Eq)]
enum Key {
    Products { shop: Option<i64>, category: Option<i64>, search: Option<String>, before: i64, fetch: i64 },
    Product(i64),
    Skus(i64),
    Shop(i64),
    Categories,
    Deals(Vec<i64>),
    TeamPrices(Vec<i64>),
    Coupons(Option<i64>),
    Reviews { product: i64, before: i64, fetch: i64 },
    Notes { author: Option<i64>, product: Option<i64>, before: i64, fetch: i64 },
    Rooms { status: RoomStatus, before: i64, fetch: i64 },
    TeamOffers(i64),
    Voucher(i64),
    ShopScore(i64),
}

type Loaded = Result<Arc<dyn Any + Send + Sync>, AppError>;

/// A value read under the count `seen`; readers who ask under the same
/// count while it is being read wait for that one read instead of each
/// going to the database (after a write, every page in flight asks at
/// once). A read that failed is shared with its waiters and dropped.
struct Entry {
    seen: u64,
    at: Instant,
    value: Arc<OnceCell<Loaded>>,
}

pub struct ReadCache {
    changes: Arc<Changes>,
    entries: Mutex<LruCache<Key, Entry>>,
}

impl ReadCache {
    pub fn new(changes: Arc<Changes>) -> ReadCache {
        ReadCache { changes, entries: Mutex::new(LruCache::new(ENTRIES)) }
    }

    /// The value under `key` if no write came after it was read, else what
    /// `load` reads now. The count is taken before the read, so a write
    /// that lands during it leaves the entry already stale; an entry read
    /// under a later count than the caller's is fresh enough for it.
    async fn read<T: Send + Sync + 'static>(&self, key: Key, load: impl Future<Output = AppResult<T>>) -> AppResult<Arc<T>> {
        let seen = self.changes.seen();
        let cell = {
            let mut entries = self.lock();
            match entries.get(&key) {
                Some(e) if e.seen >= seen && e.at.elapsed() < MAX_AGE => e.value.clone(),
                _ => {
                    let cell = Arc::new(OnceCell::new());
                    entries.put(key.clone(), Entry { seen, at: Instant::now(), value: cell.clone() });
                    cell
                }
            }
        };
        let loaded = cell.get_or_init(|| async { Ok(Arc::new(load.await?) as Arc<dyn Any + Send + Sync>) }).await;
        match loaded {
            Ok(value) => value.clone().downcast::<T>().map_err(|_| AppError::internal("a read cache key holds another type")),
            Err(e) => {
                let mut entries = self.lock();
                if entries.peek(&key).is_some_and(|entry| Arc::ptr_eq(&entry.value, &cell)) {
                    entries.pop(&key);
                }
                Err(e.clone())
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<Key, Entry>> {
        // An entry is whole or absent, so a panic elsewhere leaves it usable.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A page of products as shoppers see them (drafts are never cached).
pub async fn products(state: &AppState, filter: &ProductFilter, page: &PageRequest) -> AppResult<Arc<Page<ProductSummary>>> {
    if filter.include_drafts {
        return Ok(Arc::new(state.db.products(filter, page).await?));
    }
    let key = Key::Products {
        shop: filter.shop.map(|s| s.get()),
        category: filter.category.map(|c| c.get()),
        // As the query compares it.
        search: filter.search.as_deref().map(str::to_lowercase),
        before: page.before_id(),
        fetch: page.fetch(),
    };
    state.reads.read(key, async { Ok(state.db.products(filter, page).await?) }).await
}

pub async fn product(state: &AppState, id: ProductId) -> AppResult<Arc<Product>> {
    state.reads.read(Key::Product(id.get()), async { Ok(state.db.product(id).await?) }).await
}

pub async fn skus(state: &AppState, id: ProductId) -> AppResult<Arc<Vec<Sku>>> {
    state.reads.read(Key::Skus(id.get()), async { Ok(state.db.skus(id).await?) }).await
}

pub async fn shop(state: &AppState, id: ShopId) -> AppResult<Arc<Shop>> {
    state.reads.read(Key::Shop(id.get()), async { Ok(state.db.shop(id).await?) }).await
}

pub async fn categories(state: &AppState) -> AppResult<Arc<Vec<Category>>> {
    state.reads.read(Key::Categories, async { Ok(state.db.categories().await?) }).await
}

/// The active deals on `products` that have not ended: whether each has
/// started is for the caller to decide at its moment.
pub async fn deals_not_ended(state: &AppState, products: &[i64]) -> AppResult<Arc<Vec<Deal>>> {
    let now = state.clock.now();
    state.reads.read(Key::Deals(id_set(products)), async { Ok(state.db.deals_not_ended(products, now).await?) }).await
}

/// The lowest starting price of each of `products`' active team offers.
pub async fn team_prices(state: &AppState, products: &[i64]) -> AppResult<Arc<Vec<(i64, i64)>>> {
    state.reads.read(Key::TeamPrices(id_set(products)), async { Ok(state.db.team_prices(products).await?) }).await
}

/// A shop's coupons (or the platform's, for `None`) that have not ended:
/// whether each has started, or ended since, is for the caller to decide.
pub async fn coupons_not_ended(state: &AppState, shop: Option<ShopId>) -> AppResult<Arc<Vec<Coupon>>> {
    let now = state.clock.now();
    state.reads.read(Key::Coupons(shop.map(|s| s.get())), async { Ok(state.db.running_coupons(shop, now).await?) }).await
}

pub async fn reviews(state: &AppState, product: ProductId, page: &PageRequest) -> AppResult<Arc<super::reviews::ProductReviews>> {
    let key = Key::Reviews { product: product.get(), before: page.before_id(), fetch: page.fetch() };
    state.reads.read(key, super::reviews::of_product(state, product, page)).await
}

pub async fn note_cards(state: &AppState, filter: NoteFilter, page: &PageRequest) -> AppResult<Arc<Page<NoteCard>>> {
    let key = Key::Notes { author: filter.author.map(|a| a.get()), product: filter.product, before: page.before_id(), fetch: page.fetch() };
    state.reads.read(key, async { Ok(state.db.note_cards(filter, page).await?) }).await
}

/// Rooms by status; how many watch is the live hub's to say.
pub async fn rooms(state: &AppState, status: RoomStatus, page: &PageRequest) -> AppResult<Arc<Page<Room>>> {
    let key = Key::Rooms { status, before: page.before_id(), fetch: page.fetch() };
    state.reads.read(key, async { Ok(state.db.rooms(status, page).await?) }).await
}

/// A product's active team offers, each with the teams one can join (the
/// five fullest).
pub async fn team_offers(state: &AppState, product: ProductId) -> AppResult<Arc<Vec<(TeamOffer, Vec<Team>)>>> {
    state
        .reads
        .read(Key::TeamOffers(product.get()), async {
            let mut offers = Vec::new();
            for o in state.db.team_offers_of_product(product).await? {
                let teams = state.db.joinable_teams(TeamOfferId(o.id), 5).await?;
                offers.push((o, teams));
            }
            Ok(offers)
        })
        .await
}

/// A voucher's terms as sold now (`None` for other products).
pub async fn voucher_offer(state: &AppState, product: ProductId) -> AppResult<Option<VoucherOffer>> {
    let offer = state.reads.read(Key::Voucher(product.get()), async { Ok(state.db.voucher_offer(product).await?) }).await?;
    Ok(Option::clone(&offer))
}

/// A shop's stars and how its after-sales went.
pub async fn shop_score(state: &AppState, shop: ShopId) -> AppResult<Arc<haul_domain::reviews::ShopScore>> {
    state.reads.read(Key::ShopScore(shop.get()), async { Ok(state.db.shop_score(shop).await?) }).await
}

/// Ids as a key: sorted, once each, so one set is one entry.
fn id_set(ids: &[i64]) -> Vec<i64> {
    let mut set = ids.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn one_read_for_all_who_ask_again_after_a_write_and_failures_not_kept() {
        let changes = Arc::new(Changes::default());
        let cache = ReadCache::new(changes.clone());
        let loads = AtomicUsize::new(0);
        let load = |value: i64| {
            let loads = &loads;
            async move {
                loads.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok(value)
            }
        };
        let (a, b) = tokio::join!(cache.read(Key::Categories, load(7)), cache.read(Key::Categories, load(8)));
        assert_eq!((*a.unwrap(), *b.unwrap()), (7, 7), "the second reader waited for the first read");
        assert_eq!(*cache.read(Key::Categories, load(9)).await.unwrap(), 7);
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        changes.wrote();
        assert_eq!(*cache.read(Key::Categories, load(10)).await.unwrap(), 10, "a write makes it stale");
        assert_eq!(loads.load(Ordering::SeqCst), 2);

        let failing = async { Err::<i64, _>(AppError::not_found("product")) };
        let failed = cache.read(Key::Product(1), failing).await.map(|v| *v);
        assert_eq!(failed.unwrap_err().code, haul_domain::ErrorCode::NotFound);
        assert_eq!(*cache.read(Key::Product(1), load(3)).await.unwrap(), 3, "a failed read is not kept");
    }
}
