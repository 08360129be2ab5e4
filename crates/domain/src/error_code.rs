//! The one catalogue of error codes. Every refusal anywhere in Haul (a
//! domain rule, the record, the API, the pages, the live hub) carries one of
//! these; clients match on the snake_case name, which never changes, and
//! each comes with one HTTP status; the message is for people.

macro_rules! catalogue {
    ($($variant:ident = $code:literal ($status:literal): $meaning:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the catalogue's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The name clients see.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// What it means, for the documentation.
            pub fn meaning(self) -> &'static str {
                match self { $(ErrorCode::$variant => $meaning,)* }
            }

            /// The HTTP status it comes with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

catalogue! {
    ValidationFailed = "validation_failed" (422): "a field failed validation; the message names the field",
    NotFound = "not_found" (404): "no such thing, or not one you may see",
    Forbidden = "forbidden" (403): "you may not do this",
    Unauthenticated = "unauthenticated" (401): "sign in first",
    InternalError = "internal_error" (500): "something went wrong on Haul's side; details are in its log",
    InvalidJson = "invalid_json" (400): "the body is not JSON",
    InvalidBody = "invalid_body" (422): "the body does not have the expected shape",
    UnreadableBody = "unreadable_body" (400): "the body could not be read",
    InvalidQuery = "invalid_query" (400): "the query string does not have the expected shape",
    InvalidForm = "invalid_form" (422): "a page form does not have the expected fields",
    InvalidUpload = "invalid_upload" (400): "a multipart upload could not be read",
    InvalidCursor = "invalid_cursor" (400): "pass next_cursor back unchanged",
    InvalidStatus = "invalid_status" (400): "no such status",
    MissingFilter = "missing_filter" (400): "this list needs a filter",
    UnsupportedMediaType = "unsupported_media_type" (415): "send Content-Type: application/json",
    PayloadTooLarge = "payload_too_large" (413): "the request body is larger than this route takes",
    FileTooLarge = "file_too_large" (413): "an uploaded file is larger than allowed",
    UnsupportedImage = "unsupported_image" (415): "images are JPEG, PNG, GIF or WebP",
    UnsupportedVideo = "unsupported_video" (415): "videos are MP4 or WebM",
    UploadsBusy = "uploads_busy" (503): "many uploads are under way; try again",
    UploadStalled = "upload_stalled" (408): "the upload stopped sending",
    CsrfFailed = "csrf_failed" (403): "the form's CSRF token is missing or wrong",
    TryAgain = "try_again" (503): "a busy or unavailable part refused; nothing was done",
    TooManyAttempts = "too_many_attempts" (429): "too many guesses (passwords, pickup codes); wait",
    TooManyEvents = "too_many_events" (429): "too many video events from one address",
    IdempotencyKeyRequired = "idempotency_key_required" (400): "this write needs an Idempotency-Key header",
    InvalidIdempotencyKey = "invalid_idempotency_key" (400): "an Idempotency-Key is 1 to 200 visible characters",
    IdempotencyKeyReused = "idempotency_key_reused" (409): "this Idempotency-Key was used for a different request",
    OutOfStock = "out_of_stock" (409): "not enough stock",
    IllegalTransition = "illegal_transition" (409): "the order cannot move to that status from where it is",
    CurrencyMismatch = "currency_mismatch" (422): "amounts in different currencies",
    RefundTooLarge = "refund_too_large" (409): "more than is still refundable",
    LedgerUnbalanced = "ledger_unbalanced" (422): "a ledger transaction did not balance",
    AmountOutOfRange = "amount_out_of_range" (422): "an amount outside what Haul accepts",
    BadSignature = "bad_signature" (401): "a signature is missing or wrong",
    StaleSignature = "stale_signature" (401): "a signature's time is outside the allowed window",
    InvalidCredentials = "invalid_credentials" (401): "wrong login or password",
    LoginTaken = "login_taken" (409): "an account with this login exists",
    RoleNotAllowed = "role_not_allowed" (403): "this role is granted by an operator",
    SlugTaken = "slug_taken" (409): "a shop or category with this slug exists",
    AlreadyMember = "already_member" (409): "already a member of this shop",
    SkuCodeTaken = "sku_code_taken" (409): "the product already has a SKU with that code",
    ProductUnavailable = "product_unavailable" (409): "the product is not on sale",
    ExternalListing = "external_listing" (409): "the product is sold on another site",
    MixedShops = "mixed_shops" (409): "everything in one order (or campaign) comes from one shop",
    CartEmpty = "cart_empty" (422): "the cart holds nothing from this shop",
    NotInBag = "not_in_bag" (409): "the product is not in the live room's bag",
    TooManyAddresses = "too_many_addresses" (409): "the address book is full; delete one first",
    PickupNotOffered = "pickup_not_offered" (409): "this shop does not offer collection; choose delivery",
    AddressRequired = "address_required" (409): "a delivery order needs an address first",
    WrongFulfilment = "wrong_fulfilment" (409): "the step belongs to the other way of fulfilment (delivery or pickup)",
    AlreadyShipped = "already_shipped" (409): "the order has shipped; its address can no longer change",
    AddressChangesFee = "address_changes_fee" (409): "after payment the address can change only to one with the same delivery fee",
    PlanExists = "plan_exists" (409): "an open plan covers this product (or the whole shop) already; change its rate",
    InvitationAnswered = "invitation_answered" (409): "the invitation was accepted or declined already",
    ShowcaseFull = "showcase_full" (409): "the showcase holds as many products as it can; remove one first",
    NoCommission = "no_commission" (409): "the product pays no commission to this creator",
    PayoutTooSmall = "payout_too_small" (409): "a payout must be at least the minimum",
    PayoutTooLarge = "payout_too_large" (409): "a payout cannot be more than the available balance",
    AlreadyReported = "already_reported" (409): "you reported this already; an operator will look at it",
    TooManyReports = "too_many_reports" (429): "too many reports from one account today",
    AccountSuspended = "account_suspended" (403): "the account is suspended by the platform",
    ShopNotSelling = "shop_not_selling" (409): "the shop is awaiting approval or suspended, and sells nothing",
    TakenDown = "taken_down" (409): "the platform took this down; it cannot be put back on sale by its owner",
    NotRestorable = "not_restorable" (409): "an ended live room cannot be restored",
    OrderChanged = "order_changed" (409): "the order changed meanwhile; reload and try again",
    OrderExpired = "order_expired" (409): "the time to pay has run out",
    OrderNotPaid = "order_not_paid" (409): "only a paid order can be refunded",
    OrderNotPayable = "order_not_payable" (409): "the order is not awaiting payment",
    NotAMerchantStep = "not_a_merchant_step" (422): "payment, cancellation and refunds have their own endpoints",
    AmountMismatch = "amount_mismatch" (409): "the paid amount differs from the order total",
    ShippedInPartByTheShop = "shipped_in_part_by_the_shop" (409): "a partner cannot ship an order the shop ships in part",
    DealNotStarted = "deal_not_started" (409): "the deal has not started yet",
    DealEnded = "deal_ended" (409): "the deal has ended",
    DealSoldOut = "deal_sold_out" (409): "every unit of the deal is taken",
    DealCapReached = "deal_cap_reached" (409): "you hold as many units of the deal as one shopper may",
    DealNotActive = "deal_not_active" (409): "the deal has already ended or been cancelled",
    AlreadyInTeam = "already_in_team" (409): "you are in this team already",
    TeamClosed = "team_closed" (409): "the team is no longer open",
    TeamFull = "team_full" (409): "the team has every member it takes",
    TeamNotComplete = "team_not_complete" (409): "the team is not complete yet",
    TeamOfferWithdrawn = "team_offer_withdrawn" (409): "the team offer was withdrawn",
    AlreadyApplied = "already_applied" (409): "you have applied to lead a community already",
    NotALeader = "not_a_leader" (403): "apply to lead a community first",
    CommunityNotApproved = "community_not_approved" (409): "an operator has not approved the community yet",
    NotAMember = "not_a_member" (409): "join the community first",
    StoreOutOfRange = "store_out_of_range" (409): "the store does not deliver to the pickup point",
    NotOfferedToLeaders = "not_offered_to_leaders" (409): "the store does not offer this product to group leaders",
    BelowStoreMinimum = "below_store_minimum" (409): "below the store's lowest price for leaders",
    CampaignClosed = "campaign_closed" (409): "the campaign's cut-off has passed",
    CampaignNotClosed = "campaign_not_closed" (409): "the campaign has not closed yet",
    NotAwaitingDelivery = "not_awaiting_delivery" (409): "the campaign's delivery is not awaited",
    NotReadyForPickup = "not_ready_for_pickup" (409): "the order has not arrived at the pickup point",
    AlreadyCollected = "already_collected" (409): "the order was handed over already",
    PickupCodeUnknown = "pickup_code_unknown" (409): "no order of the campaign has that pickup code",
    NotPending = "not_pending" (409): "the application was decided already",
    NotABuyer = "not_a_buyer" (409): "only someone who bought the product can rate it",
    OwnProductReview = "own_product_review" (409): "a shop's staff cannot review the shop's own products",
    SponsoredReview = "sponsored_review" (409): "a paid note cannot rate a product",
    NotPinnable = "not_pinnable" (409): "only a top comment can be pinned",
    NotSponsorable = "not_sponsorable" (409): "the note cannot be sponsored (it rates a product, or another shop sponsors it)",
    RoomEnded = "room_ended" (409): "the live room has ended",
    RoomStarted = "room_started" (409): "the live room has started already: no reminder is needed",
    NotReceivedYet = "not_received_yet" (409): "a return or an exchange comes once the item has been received",
    ClaimWindowClosed = "claim_window_closed" (409): "the time to ask for a refund, return or exchange has passed",
    NothingToClaim = "nothing_to_claim" (409): "every unit of the item is refunded or in a request already",
    CaseOpen = "case_open" (409): "an after-sales request for this item is open already",
    IllegalCaseStep = "illegal_case_step" (409): "the after-sales request cannot take this step now",
    NotCompletedYet = "not_completed_yet" (409): "an item is reviewed once its order has been received",
    AlreadyReviewed = "already_reviewed" (409): "the item has its review; add a follow-up instead",
    ItemRefunded = "item_refunded" (409): "the item was refunded in full; there is no purchase left to review",
    AlreadyAdded = "already_added" (409): "a follow-up or a reply is added once and never changed",
    CouponNotStarted = "coupon_not_started" (409): "the coupon cannot be claimed yet",
    CouponEnded = "coupon_ended" (409): "the coupon has ended",
    CouponAllClaimed = "coupon_all_claimed" (409): "every coupon has been claimed",
    CouponLimitReached = "coupon_limit_reached" (409): "you hold as many of this coupon as one person may",
    CouponNotLive = "coupon_not_live" (409): "a live coupon is claimed in its room while it is live",
    CouponFollowersOnly = "coupon_followers_only" (409): "the coupon is for followers",
    CouponDoesNotApply = "coupon_does_not_apply" (409): "the coupon does not apply to this order",
    CouponDoesNotStack = "coupon_does_not_stack" (409): "one shop coupon and one platform coupon per order",
    CouponNotHeld = "coupon_not_held" (409): "the coupon is not yours, or it was used",
    LeadOpen = "lead_open" (409): "you have asked this shop for a quote on this product already; it is open",
    LeadFull = "lead_full" (409): "the lead's conversation holds as many messages as it may",
    VoucherNotYetValid = "voucher_not_yet_valid" (409): "the voucher cannot be used before its first day",
    VoucherExpired = "voucher_expired" (409): "the voucher's last day has passed",
    VoucherOutsideHours = "voucher_outside_hours" (409): "the voucher is usable at other hours of the day",
    VoucherUsed = "voucher_used" (409): "the voucher was used, or refunded",
    VoucherMixed = "voucher_mixed" (409): "vouchers are bought in an order of their own",
    VoucherLimit = "voucher_limit" (409): "you have bought as many of this voucher as one person may",
    VoucherNeedsLocation = "voucher_needs_location" (409): "a shop sells vouchers once it has set where it is",
    VoucherNotHere = "voucher_not_here" (409): "a voucher sells at its price: not in flash deals, team buys or group purchases",
    VoucherNotRefundable = "voucher_not_refundable" (409): "the shop's terms give no refund for an unused voucher",
    VoucherRefundsItself = "voucher_refunds_itself" (409): "an unused voucher is refunded from the voucher itself; a used one was the service",
    SessionIsCurrent = "session_is_current" (409): "that is the session you are using; sign out instead",
    CodeInvalid = "code_invalid" (400): "the code is wrong, used or expired; after five wrong tries ask for a new one",
    LinkInvalid = "link_invalid" (400): "the link has expired or was used already; ask for a new one",
    NothingToVerify = "nothing_to_verify" (409): "the account's e-mail address or phone is verified already",
    SecondFactorRequired = "second_factor_required" (401): "this account signs in with a code from its authenticator app too: send it as second_factor",
    TwoFactorOn = "two_factor_on" (409): "two-factor sign-in is on already",
    TwoFactorOff = "two_factor_off" (409): "two-factor sign-in is not on",
    AccountHasOpenOrders = "account_has_open_orders" (409): "orders of this account are still under way: wait until they are received, cancelled or refunded",
    AccountRunsAShop = "account_runs_a_shop" (409): "this account is staff of a shop: leave or close the shop first",
    CannotSanction = "cannot_sanction" (409): "a host or operator cannot be muted or banned",
    ChatEmpty = "chat_empty" (422): "say something",
    ChatTooLong = "chat_too_long" (422): "the message is too long",
    RateLimited = "rate_limited" (429): "slow down",
    Muted = "muted" (403): "you are muted in this room",
    Banned = "banned" (403): "you are banned from this room",
    SignInRequired = "sign_in_required" (401): "sign in to chat",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_snake_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
            assert!(!code.meaning().is_empty() && (400..=599).contains(&code.status()), "{name}");
        }
    }
}
