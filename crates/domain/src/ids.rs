//! Typed ids: an order id cannot be passed where a product id is expected.

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    UserId,
    ShopId,
    ProductId,
    SkuId,
    CategoryId,
    OrderId,
    PaymentId,
    EndpointId,
    TeamOfferId,
    TeamId,
    CommunityId,
    CampaignId,
    DealId,
    VideoId,
    NoteId,
    RoomId,
    PartnerId,
);
