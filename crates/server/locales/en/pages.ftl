# The pages past the shop: videos, notes, live rooms, the studio, team buys,
# community group buying, the leader's and operator's consoles, the merchant
# console and the sandbox's pay page. Shared words are in main.ftl.

# The video feed and a video.
# Markup: the link to the studio.
watch-empty = No videos yet. <a href="/studio">Post the first one</a>.
watch-like = like
watch-comments = comments
watch-save = save
watch-share = share
watch-buy = Buy
watch-why-title = Why am I seeing this?
watch-why = Shown because { $source }. Traffic pool { $pool } · quality { $quality } · freshness { $freshness } · affinity { $affinity } · hard sell { $hard_sell } (×{ $factor } by policy) · score { $score }
watch-why-following = you follow the creator
watch-why-affinity = it matches what you watch and like
watch-why-exploration = it is new and finding its first audience
watch-why-pool = it did well with earlier viewers
watch-why-seen = you have seen every other video: this one comes again
watch-caught-up = You're all caught up
watch-caught-up-more = Here are videos you've seen, best first. Follow creators or post your own for more.

# A creator's profile.
creator-followers = { $n ->
    [one] follower
   *[other] followers
}
creator-videos = { $n ->
    [one] { $n } video
   *[other] { $n } videos
}
creator-follow = Follow
creator-following = Following
creator-notes = Notes

# A note.
note-label-sponsored = sponsored
note-label-commission = commission link
note-paid-by = paid for by { $shop }
note-by = by
note-rating-title = the author bought this
note-rating = the author's rating of what they bought
note-sponsor-offer = { $shop } offers to sponsor this note. Accepting labels it "sponsored" for good.
note-accept = Accept
note-comments = { $n ->
    [one] { $n } comment
   *[other] { $n } comments
}
note-comment-placeholder = Add a comment
note-send = Send

# Live rooms: the list, a room, the host's console.
live-now = Live now
# Markup: the link to the studio.
live-none = Nobody is live right now. <a href="/studio">Go live</a>.
live-badge = LIVE
live-upcoming = Coming up
live-replays = Replays
live-status-scheduled = scheduled
live-status-live = live
live-status-ended = ended
live-watching = { $count } watching
live-starts = Starts
live-stream-ended = The stream has ended
live-replay = Replay
live-say = Say something…
live-send = Send
# Markup: the link to sign in.
live-sign-in = <a href="/signin">Sign in</a> to chat and buy.
live-host-console = Host console
live-bag = Bag
live-buy = Buy
live-bought = { $name } bought { $quantity } × { $title }
live-banned = A moderator banned you from this room.
live-muted = A moderator muted you for now.
live-mod-delete = delete
live-mod-mute = mute
live-mod-ban = ban
live-host-title = Host: { $title }
live-open-room = Open the room
live-encoder = Your encoder (OBS, ffmpeg, a phone app)
live-server = Server
live-stream-key = Stream key
live-stream-key-secret = keep it secret: whoever has it can stream as you
live-grace = The room goes live when the stream starts, and ends when the stream stops and does not come back within { $seconds } s; the replay stays watchable.
live-end = End the room
live-cover = Cover
live-cover-help = Picture shown before the stream and in the rooms list
live-upload-cover = Upload cover
live-bag-title = Bag (up to 100 products, in this order)
live-bag-products = Product numbers or links
live-save-bag = Save the bag
live-pin-title = Pin a product
live-pin-help = viewers see it over the video with a Buy button
live-pinned = pinned
live-pin = Pin
live-unpin = Unpin
live-deal-help = Drop a flash deal into the room from the product's page in the merchant console: give this room's number, { $id }.
live-figures = Figures
live-peak-viewers = Peak viewers
live-average-viewers = Average viewers
live-unique-viewers = Unique viewers
live-live-for = Live for
live-live-time = { $minutes } min { $seconds } s
live-interactions = Comments · likes · shares
live-interaction-rate = Interaction rate
live-orders = Orders
live-gmv = GMV
live-conversion = Conversion
live-figures-help = Interaction rate = viewers who liked, chatted, shared or bought ÷ unique viewers. Conversion = buyers ÷ unique viewers. GPM = GMV per thousand viewers. Orders count when paid; the minute-by-minute orders once the analytics worker has counted them (Beijing time).
live-viewers-by-minute = Viewers, minute by minute
live-orders-by-minute = Orders paid, minute by minute

# The creator studio.
studio-title = Creator studio
studio-health = Account health
studio-health-low = below { $threshold }: your videos reach followers only
studio-followers = { $n ->
    [one] { $n } follower
   *[other] { $n } followers
}
studio-policy = feed policy:
studio-policy-content-first = content first (hard selling is shown less)
studio-policy-commerce-first = commerce first
studio-go-live = Go live
studio-room-title = Title
studio-room-title-placeholder = Orange harvest, live from the orchard
studio-room-starts = Starts
studio-room-products = Products for the bag (numbers or links, up to 100)
studio-products-example = /products/1, /products/2
studio-product-example = /products/12
studio-schedule = Schedule the room
studio-my-rooms = My live rooms
studio-video-file = Video (MP4 or WebM)
studio-caption = Caption
studio-caption-placeholder = What is it about? #hashtags
studio-video-product = Product to show on the video (its number or link)
studio-card-at = Show the buy card from second
studio-poster = Poster image (optional)
studio-post-video = Post video
studio-write-note = Write a note
studio-note-title = Title
studio-note-text = Text
studio-note-pictures = Up to 9 pictures
studio-note-product = Product it is about (number or link)
studio-note-rating = Your rating, if you bought it
studio-note-no-rating = no rating
studio-note-commission = This product link earns me a commission (the note is labelled)
studio-publish-note = Publish note
# Markup: the browser test reads the level in the strong.
studio-pool = Traffic pool <strong class="pool">{ $level }</strong>:
studio-pool-growing = growing, { $remaining } impressions left in this pool
studio-pool-stalled = stopped growing: it did not beat this pool's thresholds; followers still see it
studio-pool-top = the largest pool
studio-impressions = Impressions
studio-views = Views
studio-completion = Completion
studio-likes = Likes
studio-shares = Shares
studio-product-clicks = Product clicks
studio-likes-comments = Likes, comments
studio-purchases = Purchases
studio-quality = Quality
studio-quality-average = (1.00 is average)
studio-hard-sell = Hard sell
studio-next-pool = To reach the next pool:
studio-metric-completion = completion
studio-metric-like = like
studio-metric-share = share
studio-signal-price-talk = price talk
studio-signal-urgency = urgency
studio-signal-discount = discount
studio-signal-link-push = pushing the link
studio-signal-shouting = shouting
studio-signal-anchor-density = many product cards
studio-smoothing = Rates are smoothed toward the platform's averages until enough people have watched, so a handful of views cannot make a video look perfect.

# A team buy's page.
team-page-title = Team buy: { $title }
team-page-each = each
team-page-joined = { $members } of { $size } joined
team-page-needed = { $needed } more needed
team-page-time-left = time left
# The countdown; the page puts the time in for { $time }.
team-page-left = { $time } left
team-page-on = The team is on with { $members }!
# Markup: $countdown is the page's countdown.
team-page-on-more = Up to { $max } may join to lower the price; it closes when full or in { $countdown }, and the difference is refunded.
team-page-complete = Team complete!
team-page-complete-more = Every order is confirmed and on its way.
team-page-failed = Not enough people joined in time.
team-page-failed-more = Every member was refunded in full.
team-page-opening = Waiting for the opener to pay; the clock starts then.
team-page-abandoned = This team was abandoned.
team-page-opener = opened
team-page-paid-only = Only paid members count: no one is added to fill a team.
team-page-share = Share this link so friends can join
team-page-copy = Copy link
team-page-your-order = Your order #{ $id }
team-page-join = Join this team for { $price }

# Community group buying: the list and a community.
community-title = Community group buying
community-intro = Neighbours order together from a group leader before the cut-off; the store delivers the lot the next day to the leader's pickup point.
community-lead = Lead a community
community-none = No communities yet.
community-members = { $n ->
    [one] { $n } member
   *[other] { $n } members
}
community-pickup = Pickup:
community-pickup-point = Pickup point:
community-waiting = waiting for an operator's approval
community-join = Join this community
community-no-campaigns = No campaigns yet.
community-orders-close = orders close
community-cutoff-at = { $time } pickup point time ({ $zone })
community-orders-close-in = orders close in
community-closed = closed
community-delivery = Delivery to the pickup point on { $date }.
community-threshold = Goes ahead with at least { $threshold } units ordered ({ $ordered } so far); otherwise everyone is refunded.
community-ordered = { $ordered } ordered
community-ordered-of = { $ordered } ordered of { $needed } needed
community-quantity-of = quantity of { $title }
community-order = Order for pickup
community-join-to-order = Join the community to order.
community-status-open = open
community-status-closing = closing
community-status-succeeded = succeeded
community-status-failed = failed

# The group leader's console and a campaign.
leader-title = Leader console
leader-applied = Your application is waiting for an operator.
leader-rejected = Your application was not approved; you may apply again below.
leader-commission = Commission earned:
leader-commission-none = nothing yet
leader-commission-on = { $amount } on { $n ->
    [one] { $n } order
   *[other] { $n } orders
}
leader-apply-title = Apply to lead a community
leader-name = Community name
leader-area = Area
leader-area-placeholder = Chaoyang, Sanlitun
leader-pickup-address = Pickup address
leader-hours = Opening hours
leader-hours-default = Daily 08:00-21:00
leader-latitude = Latitude
leader-longitude = Longitude
leader-apply = Apply
leader-campaigns = Campaigns
leader-none-yet = None yet.
leader-new-campaign = New campaign
leader-no-stores = No store delivers to your pickup point yet.
leader-store = Store
leader-store-option = { $name } ({ $m } m)
leader-choose = Choose products
leader-campaign-title = Title
leader-campaign-title-placeholder = Tomorrow's fruit from { $shop }
leader-store-offers-nothing = { $shop } offers nothing to group leaders yet.
leader-product = Product
leader-your-price = Your price
leader-needs = Needs
leader-sell = sell { $name }
leader-floor = leaders from { $price }
leader-store-price = store's
leader-cutoff = Orders close at (pickup point time, { $zone })
leader-delivery-date = Delivery date
leader-delivery-blank = blank: the day after the cut-off
leader-threshold = Units the campaign needs
leader-publish = Publish campaign
leader-delivery = delivery { $date }
leader-paid = { $paid ->
    [one] { $paid } unit paid
   *[other] { $paid } units paid
}
leader-paid-of = { $paid ->
    [one] { $paid } unit paid
   *[other] { $paid } units paid
} of { $needed } needed
leader-commission-rate = commission { $percent }% on collected orders
leader-supply = Supply order to the store
leader-arrived = The delivery has arrived
# Markup: $time is the page's time.
leader-delivered = Delivered to the pickup point { $time }.
leader-hand-over = Hand over
leader-by-resident = Orders by resident
leader-uncollected = uncollected
leader-prices-in = Prices in { $currency }.
leader-back = Back to the console
leader-arrived-notice = { $n ->
    [one] { $n } order ready for pickup
   *[other] { $n } orders ready for pickup
}
leader-handed-over = Order #{ $id } handed over

# The operator's page.
operator-policy = Feed policy
operator-content-first = Content first: hard selling is shown less (Douyin)
operator-commerce-first = Commerce first: no demotion (Kuaishou)
operator-save = Save
operator-violation = Violation
operator-violation-placeholder = misleading claims
operator-strike = Record a strike
operator-no-applications = No applications waiting.
operator-micro-degrees = (micro-degrees)
operator-approve = Approve
operator-reject = Reject

# The merchant console: shops, a shop, a product.
merchant-title = Sell on Haul
merchant-shops = Your shops
merchant-no-shop = You have no shop yet. Open one below.
merchant-storefront = storefront
merchant-open-title = Open a shop
merchant-shop-name = Name
merchant-slug = Address (letters, digits, dashes)
merchant-about = About
merchant-open = Open shop
merchant-orders = Orders
merchant-supply = Community supply orders
merchant-supply-none = None yet. Group leaders whose pickup point is within your delivery radius can sell your products.
merchant-supply-to = to { $community }, { $address } · deliver { $date }
merchant-latitude = Latitude
merchant-longitude = Longitude
merchant-radius = Delivers within (m)
merchant-save-location = Save location
merchant-leaders-title = What group leaders may sell
merchant-leaders-help = Leaders set their own price, never below your lowest. Published campaigns keep their prices if you change or withdraw an offer.
merchant-nothing-offered = Nothing offered yet.
merchant-offer-from = from { $price }
merchant-new-lowest = new lowest
merchant-new-lowest-label = new lowest price for leaders
merchant-change = Change
merchant-withdraw = Withdraw
merchant-offer-another = Offer another product to leaders
merchant-product = Product
merchant-lowest-for-leaders = Lowest price for leaders ({ $currency })
merchant-offer = Offer
merchant-products = Products
merchant-draft = draft
merchant-in-stock = { $n } in stock
merchant-option-stock = ({ $n } in stock)
merchant-new-product = New product
merchant-product-title = Title
merchant-description = Description
merchant-how-sold = How it is sold
merchant-kind-native = Shipped by this shop
merchant-kind-external = On another site (link out)
merchant-kind-quote = By quote (buyers ask, you reply)
merchant-external-url = Link (for another site)
merchant-option-placeholder = e.g. 5 kg box
merchant-price-in = Price ({ $currency })
merchant-stock = Stock
merchant-add-product = Add product
merchant-edit = Edit { $title }
merchant-view = view
merchant-on-sale = On sale
merchant-save = Save
merchant-skus = Options, prices and stock
merchant-code = Code
merchant-price = Price
merchant-add-option = Add option
merchant-deals = Flash deals
merchant-deal-taken = { $sold } of { $quantity } taken
merchant-deal-to = to
merchant-deal-upcoming = upcoming
merchant-deal-live = live
merchant-deal-ended = ended
merchant-deal-cancelled = cancelled
merchant-deal-price = Deal price
merchant-deal-units = Units (taken from stock now)
merchant-deal-cap = Per person
merchant-deal-starts-in = Starts in (minutes)
merchant-deal-minutes = Runs for (minutes)
merchant-deal-room = Drop it in a live room (its number or link, optional)
merchant-deal-room-example = /live/3
merchant-deal-start = Start flash deal
merchant-teams = Team buys
merchant-team-summary = { $price } each with { $size } people within { $minutes } min
merchant-team-price = Team price
merchant-team-size = People
merchant-team-hours = Hours to fill the team
merchant-team-offer = Offer a team price
merchant-picture = Picture
merchant-upload = Upload

# The sandbox provider's pay page.
pay-title = Sandbox Pay
pay-test-provider = a test provider: nothing is charged, nothing is paid out
pay-pay = Pay
pay-decline = Decline
pay-already-complete = This payment is already complete.
pay-not-waiting = This order no longer waits for payment. Nothing was charged.
pay-declined = Payment declined. Nothing was charged.
pay-shop-refused = The shop refused the payment ({ $status }).

## Addresses and delivery
nav-addresses = Addresses
address-book = My addresses
address-none = No addresses yet. Add one to have orders delivered.
address-add = Add an address
address-edit = Edit
address-delete = Delete
address-default = Default
address-make-default = Make this my default address
address-save = Save address
address-recipient = Recipient
address-phone = Phone
address-province = Province
address-choose-province = Choose a province
address-city = City
address-district = District
address-street = Street and number
address-postcode = Postcode
address-abroad = Outside mainland China?
address-country = Country code (two letters)
address-region = State or region
address-hint-recipient = Type the recipient's name (up to 40 characters).
address-hint-phone = This phone number is not valid: in China use an 11-digit mobile (13800138000) or a landline with its area code.
address-hint-country = Use a two-letter country code such as CN, HK or GB.
address-hint-province = Choose a province from the list (outside China, fill in the region instead).
address-hint-city = Type the city.
address-hint-district = The district is at most 60 characters.
address-hint-street = Type the street and number (up to 200 characters).
address-hint-postcode = A Chinese postcode has six digits; leave it empty if unsure.
checkout-delivery = Delivery
checkout-pickup = Collect it myself at
checkout-address = Deliver to
checkout-add-address = Add a delivery address
checkout-manage-addresses = Manage addresses
cart-subtotal = Subtotal
shipping-free = Free delivery
shipping-flat = Delivery { $fee }
shipping-free-above = free from { $amount }
shipping-regions-differ = some provinces cost more
order-shipping-fee = Delivery
order-ship-to = Delivery
order-buyer = Buyer:
order-no-address = No delivery address yet.
order-use-address = Deliver here
order-change-address = Change address
order-tracking = Tracking:
order-confirm-received = I received it
order-carrier = Carrier
order-tracking-no = Tracking number
order-ship = Mark as shipped
order-wait-address = Waiting for the buyer to choose an address.
order-pickup-at = Collect at:
order-note-received = received by the buyer
merchant-shipping = Delivery and collection
merchant-shipping-flat = Delivery fee
merchant-shipping-free-above = Free delivery from (leave empty for never)
merchant-shipping-regions = Provinces with their own fee, one per line (province and fee)
merchant-pickup-point = Pickup point where buyers may collect (leave empty for delivery only)
merchant-save-shipping = Save delivery settings

## Operator console and reports
operator-tab-reports = Reports
operator-tab-shops = Shops
operator-tab-people = People
operator-tab-leaders = Leaders
operator-tab-feed = Feed
operator-tab-audit = Audit log
operator-queue-empty = Nothing reported is waiting.
operator-reports = { $n ->
    [one] 1 report
   *[other] { $n } reports
}
operator-reason = Reason:
operator-reason-placeholder = why (kept in the audit log)
operator-restore-placeholder = why it goes back up
operator-pending-shops = New shops awaiting approval
operator-no-pending-shops = No shops waiting.
operator-find-shop = Find a shop
operator-shop-placeholder = name or address
operator-find-person = Find a person
operator-person-placeholder = name, e-mail or phone
operator-nobody = Nobody found.
operator-suspended = Suspended
operator-suspend-shop-effects = Suspending stops all sales: products leave the feed and search; running deals, team buys and campaigns are cancelled and refunded; live rooms end. Paid orders still go out.
operator-audit-help = Every operator action: who, when, what and why. Entries cannot be changed or deleted.
operator-done = { $action } — done: { $what }
operator-done-nothing = Nothing changed: { $what } was already so.
operator-done-reports = { $n ->
    [one] 1 report closed
   *[other] { $n } reports closed
}
operator-done-refunded = { $n ->
    [one] 1 order refunded
   *[other] { $n } orders refunded
}
operator-done-cancelled = { $n ->
    [one] 1 unpaid order cancelled
   *[other] { $n } unpaid orders cancelled
}
operator-done-teams = { $n ->
    [one] 1 team buy failed
   *[other] { $n } team buys failed
}
operator-done-campaigns = { $n ->
    [one] 1 campaign failed
   *[other] { $n } campaigns failed
}
operator-done-deals = { $n ->
    [one] 1 flash deal cancelled
   *[other] { $n } flash deals cancelled
}
operator-done-rooms = { $n ->
    [one] 1 live room ended
   *[other] { $n } live rooms ended
}
operator-done-sessions = { $n ->
    [one] signed out of 1 device
   *[other] signed out of { $n } devices
}
operator-done-policy = Feed policy set: { $policy }
operator-done-strike = Strike recorded against { $name }
operator-done-leader-approved = Approved { $name }
operator-done-leader-rejected = Rejected { $name }
list-separator = {"; "}
search = Search
more = More
subject-video = Video
subject-note = Note
subject-comment = Comment
subject-note_comment = Note comment
subject-live_room = Live room
subject-product = Product
subject-shop = Shop
subject-user = Person
subject-community = Community
subject-review = Review
subject-platform = Platform settings
subject-aftersale = After-sales case
action-take_down = Take down
action-restore = Restore
action-dismiss = Dismiss
action-suspend_user = Suspend
action-reinstate_user = Reinstate
action-suspend_shop = Suspend shop
action-reinstate_shop = Reinstate shop
action-approve_shop = Approve
action-reject_shop = Reject
action-approve_leader = Approve leader
action-reject_leader = Reject leader
action-feed_policy = Feed policy
action-decide_aftersale = After-sales decision
action-delete_account = Account deleted on request
action-export_data = Data exported on request
operator-on-request = On the person's request
operator-request-reason = How they asked (date, channel)
operator-export = Export their data
operator-delete = Delete their account
operator-delete-ask = Delete this account for good? Their content is taken down.
operator-deleted = The account is deleted; it is in the audit log.
action-strike = Strike
report-reason-spam = Spam or ads
report-reason-fraud = Fraud or fake goods
report-reason-offensive = Offensive
report-reason-prohibited = Prohibited goods
report-reason-infringement = Infringes rights
report-reason-other = Something else
shop-status-pending = Awaiting approval
shop-status-active = Selling
shop-status-suspended = Suspended
shop-status-rejected = Rejected
role-shopper = Shopper
role-creator = Creator
role-group_leader = Group leader
role-operator = Operator
report = Report
report-title = Report
report-why = What is wrong?
report-note = More detail (optional)
report-send = Send report
report-cancel = Cancel
report-thanks = Thank you. The platform's team will look at it.
product-removed = Taken down by the platform
report-what = { $kind }: { $label }
operator-unchanged = No change
order-note-received-automatically = completed automatically after delivery
address-saved = Address saved.
address-now-default = This is now your default address.
address-deleted = Address deleted.
order-shipped-notice = Shipped: { $carrier } { $tracking }
order-received-notice = Thank you: the order is complete.
order-note-shipped = shipped by the shop
order-confirm-received-ask = Did the parcel arrive? The order will be complete.
order-cancel-ask = Cancel this order?
address-delete-ask = Delete this address?
merchant-shipping-saved = Delivery settings saved.
address-cancel-edit = Cancel
operator-done-plans-paused = { $n ->
    [one] 1 commission plan paused
   *[other] { $n } commission plans paused
}
operator-done-plans-resumed = { $n ->
    [one] 1 commission plan resumed
   *[other] { $n } commission plans resumed
}

## Commission plans and the marketplace
plans-title = Commission for creators
plans-help = Creators who sell your products earn this share of what buyers pay (shipping excluded). A cut reaches them only after the notice period; a raise at once.
plans-none = No commission plans yet: creators will not find your products in the marketplace.
plans-whole-shop = The whole shop
plans-open = open to every creator
plans-rate = Rate { $rate }
plans-in-force = (creators get { $rate } until the notice ends)
plans-new-rate = New rate in percent
plans-percent-placeholder = e.g. 20
plans-change = Change rate
plans-covers = Covers
plans-rate-label = Rate in percent (1 to 80)
plans-invite = Invite one creator (their number or profile link; leave empty for everyone)
plans-invite-placeholder = e.g. /creators/12
plans-add = Offer commission
plans-added = Commission offered at { $rate }.
plans-changed = The rate is now { $rate }.
plans-cut = The rate will be { $rate } after { $days } days' notice; creators keep the old rate until then.
plan-status-active = active
plan-status-invited = invited
plan-status-declined = declined
plan-status-paused = paused
market-title = Product marketplace
market-help = Products whose shops pay you commission when you sell them: pick one, then post a video or a note with it.
market-none = No products pay commission yet.
market-rate = Commission { $rate }
market-earn = You earn { $amount } a sale
market-invitations = Invitations from shops
market-accept = Accept
market-decline = Decline
market-accepted = Invitation accepted.
market-declined = Invitation declined.
studio-marketplace = Find products that pay commission
showcase-title = Showcase
showcase-add = Add to showcase
showcase-remove = Remove from showcase
showcase-added = Added to your showcase: it shows on your profile.
showcase-removed = Removed from your showcase.
creator-videos-title = Videos

studio-earnings = Earnings
earn-title = Earnings
earn-help = Commission on what sold through your videos, notes, live rooms, showcase and links. It is pending until the order is complete and its after-sales window has passed, then you can pay it out.
earn-none = Nothing earned yet. Pick products from the marketplace and post a video or a note with them.
earn-pending = Pending
earn-available = Available
earn-paid = Paid out
earn-pending-help = Refunds take back their share of the commission, also after it became available.
earn-in-flight = On its way to you: { $amount }
earn-payout = Pay out { $amount }
earn-minimum = You can pay out from { $amount }.
earn-payouts = Payouts
earn-by-content = By content
earn-content = Content
earn-orders = Orders
earn-sales = Sales
earn-net = You earn
earn-lines = Commission
earn-order = Order #{ $id }
earn-links = Share links
earn-links-none = No links yet: make one for any product in the marketplace.
earn-clicks = { $n ->
    [one] { $n } click
   *[other] { $n } clicks
}
earn-link = Link to share
touch-video = Video #{ $id }
touch-note = Note #{ $id }
touch-showcase = Showcase
touch-share-link = Share link #{ $id }
touch-live-room = Live room #{ $id }
touch-community = Campaign #{ $id }
commission-pending = pending
commission-available = available
commission-reversed = refunded
payout-requested = requested
payout-sent = sent
payout-paid = paid
payout-failed = failed; back in your balance
payout-requested-notice = Payout requested; it will reach you shortly.
share-link-made = Your link: { $url }
market-share-link = Share link
creators-title = Creators who sell for you
creators-none = No creator has sold your products yet. Offer commission above and they will find you in the marketplace.
creators-name = Creator
creators-commission = Commission
creators-held = { $amount } held
creators-released = { $amount } released
order-line-credit = { $source } · @{ $creator } · { $rate }
order-line-no-plan = no commission
order-refund = Refund
order-refund-amount = Amount
order-refund-all = all that is left
order-refund-reason = Reason
order-refund-confirm = Send this money back to the buyer?
order-refund-done = Refunded. Creators' commission on it was taken back in proportion.
earn-link-to = Link to { $product }
shop-money = Money
shop-money-none = Nothing sold yet.
shop-pending-help = Sales (less refunds, creators' commission and the platform's fee) are pending until the order is complete and its after-sales window has passed.
earn-statements = Statements (CSV):
market-category = Category
market-all-categories = All categories
market-sort = Order
market-sort-rate = Highest commission
market-sort-sold = Most sold in 30 days
market-sort-rating = Best rated
market-filter = Show
market-sold = { $n } sold in 30 days
market-rating = ★{ $stars } ({ $n })
product-notes = Notes about this product
comments-title = Comments
comments-count = { $n ->
    [one] { $n } comment
   *[other] { $n } comments
}
comments-author = author
comments-pinned = pinned
comments-reply-to = Reply to @{ $name }:
comments-reply = Reply
comments-pin = Pin
comments-unpin = Unpin
comments-delete = Delete
comments-delete-ask = Delete this comment?
comments-placeholder = Add a comment…
comments-sign-in = Sign in to comment
comments-none = No comments yet. Say something nice.
comments-more-replies = { $n ->
    [one] View 1 more reply
   *[other] View { $n } more replies
}
comments-all = All comments
continue-title = Signed in
continue-button = Continue where you left off
watch-link-copied = Link copied. Paste it to a friend.
watch-copy-link = Copy this link to share it
live-starting-soon = Starting soon.
live-late = The host is running a little late: stay, or ask to be reminded.
live-remind = Remind me
live-reminded = Reminder set ✓ (tap to cancel)
live-reminder-set = We will tell you when this room goes live.
live-reminder-off = Reminder cancelled.
note-sponsor-ask = Did { $shop } pay for this note? Offer to sponsor it; it is labelled "sponsored" once the author accepts.
note-sponsor-named = The author says { $shop } paid for this note. Accepting labels it "sponsored" for good.
note-sponsor-offer-button = Offer to sponsor
studio-note-sponsor = Paid for by a shop?
studio-note-not-sponsored = No, nobody paid
studio-note-sponsor-help = The shop accepts on the note's page; then it is labelled "sponsored" for good (and cannot rate the product).

## After-sales
aftersale-title = Refund or return
aftersale-ask = Refund / return
aftersale-number = Request #{ $id }
aftersale-kind = What do you need?
aftersale-kind-refund_only = Refund only
aftersale-kind-refund_only-hint = Not shipped yet, or it never arrived
aftersale-kind-return_refund = Return and refund
aftersale-kind-return_refund-hint = Send the item back, then get your money back
aftersale-kind-exchange = Exchange
aftersale-kind-exchange-hint = Send the item back and get the same one again, free
aftersale-quantity = How many
aftersale-reason = Why
aftersale-pictures = Pictures (up to 6)
aftersale-submit = Submit request
aftersale-status-requested = Waiting for the shop
aftersale-status-awaiting_return = Send the item back
aftersale-status-returning = On its way back
aftersale-status-rejected = Rejected by the shop
aftersale-status-escalated = With the platform
aftersale-status-refunded = Refunded
aftersale-status-exchanged = Exchanged
aftersale-status-closed = Closed
aftersale-due = Decided by
aftersale-next-requested = If the shop does not answer by then, the request is accepted.
aftersale-next-awaiting_return = If the item has not been sent back by then, the request closes.
aftersale-next-returning = If the shop has not confirmed the return by then, the refund is made.
aftersale-next-rejected = Until then you can ask the platform to decide; after that the request closes.
aftersale-deadline-passed = the deadline passed
aftersale-amount = Refund
aftersale-product = Item
aftersale-reply = Reply
aftersale-return-parcel = Returned with
aftersale-replacement = Replacement sent with
aftersale-accept = Accept
aftersale-reject = Reject
aftersale-reject-reason = Why not
aftersale-ask-return = Ask for the item back
aftersale-ship-return = I have sent it back
aftersale-confirm-return = Item back: refund
aftersale-confirm-exchange = Item back: send the replacement
aftersale-escalate = Ask the platform to decide
aftersale-withdraw = Withdraw the request
aftersale-withdraw-ask = Withdraw this request?
aftersale-decide-reason = Why
aftersale-decide-buyer = Decide for the buyer
aftersale-decide-shop = Decide for the shop
aftersale-list = Refunds and returns
aftersale-list-shop = After-sales requests
aftersale-list-escalated = After-sales for the platform to decide
aftersale-all = All
aftersale-tab = After-sales
aftersale-none = No requests.
aftersale-of-order = Requests on this order

## Reviews
reviews-title = Reviews ({ $count })
reviews-none = No reviews yet.
reviews-verified = Verified purchase
reviews-follow-up = Follow-up
reviews-follow-up-hint = How is it after a while?
reviews-reply = Shop's reply:
reviews-reply-hint = Reply once, for everyone to see
reviews-add = Add
reviews-notes = Rated in notes by buyers
reviews-more = More reviews
reviews-shop = Shop:
reviews-shop-stars = { $stars }★ from { $count ->
    [one] one review
   *[other] { $count } reviews
}
reviews-shop-none = no reviews yet
reviews-shop-on-time = { $percent }% of after-sales answered in time
reviews-shop-refunds = { $percent }% of orders refunded
reviews-write = Write a review
reviews-yours = Your review
reviews-rating = Your rating
reviews-body = What was it like?
reviews-pictures = Pictures (up to 9)
reviews-submit = Post review

## Coupons
coupon-amount-off = { $amount } off
coupon-percent-off = { $percent }% off
coupon-min-spend = over { $amount }
coupon-claim = Claim
coupon-claimed = Coupon claimed: it is taken off at checkout.
coupon-left = { $count } left
coupon-ends = ends
coupons-title = Coupons
checkout-coupon = Coupon
checkout-no-coupon = No coupon
checkout-platform-coupon = Haul coupon
order-discount = Coupon
best-title = Best-sellers
best-heading-1h = Best-sellers in the last hour
best-heading-24h = Best-sellers today
best-heading-7d = Best-sellers this week
best-heading-30d = Best-sellers this month
best-window = Window
best-window-24h = 24 hours
best-window-7d = 7 days
best-window-30d = 30 days
best-by-units = By units sold
best-by-gmv = By sales
best-sold = { $count } sold
best-empty = Nothing sold in this window yet.
dash-title = Sales
dash-link = Sales dashboard
dash-from = From
dash-to = To
dash-apply = Show
dash-gmv = GMV
dash-net = Net of refunds
dash-orders = Orders
dash-buyers = Buyers
dash-aov = Average order
dash-refund-rate = Refunds per order
dash-per-day = GMV per day
dash-channels = Sales by channel
dash-top = Top products
dash-days = Day by day
dash-units = Units
dash-refunded = Refunded
dash-date = Date
dash-product = Product
dash-channel = Channel
dash-empty = No paid orders in these days.
dash-funnel = From seen to paid
dash-step = Step
dash-count = Count
dash-of-previous = Of the step before
dash-conversion = Conversion (orders paid ÷ product views)
dash-funnel-help = Impressions are showings of your products on videos in feeds; product views are openings of their pages; cart adds are new cart lines; orders placed count whether paid or not.
funnel-impressions = Impressions
funnel-product-views = Product views
funnel-cart-adds = Added to cart
funnel-orders-placed = Orders placed
funnel-orders-paid = Orders paid
dash-content = Top content
dash-content-none = No video, note, room or creator's link sold your goods in these days.
dash-content-item = Content
dash-views = Views
dash-clicks = Card taps
dash-gpm = GPM
dash-sessions = Live sessions
dash-sessions-none = None of your rooms went live in these days.
dash-session = Room
dash-went-live = Went live
platform-title = Platform figures
platform-link = Platform figures
platform-top-shops = Top shops
platform-top-creators = Top creators
platform-top-leaders = Top community leaders
platform-none = No sales in these days.
platform-policies = Content first or commerce first
platform-policy = Feed policy
platform-hard-sell-shown = Hard-sell share of impressions
platform-video-gmv = Videos' net GMV
platform-hard-sell-gmv = Hard-sell share of it
platform-policies-help = Each hour counts under the policy the feed showed videos with then (an hour in which it changed counts under both). A video sells hard from a score of 0.5 (price talk, urgency, discounts, links).
operator-policy-content-first = Content first
operator-policy-commerce-first = Commerce first
channel-flash_deal = Flash deals
channel-team_buy = Team buys
channel-community = Community
channel-live = Live
channel-video = Videos
channel-note = Notes
channel-showcase = Showcases
channel-share_link = Share links
channel-search_browse = Search & browse

# Requests for a quote (goods sold by quote: a tractor, a machine).
lead-ask = Ask for a quote
lead-help = Sold by quote: tell the shop what you need and how to reach you; it replies here and by your contact.
lead-quantity = How many
lead-quantity-n = { $n ->
    [one] 1 unit
   *[other] { $n } units
}
lead-budget = Budget
lead-budget-min = Budget from (¥)
lead-budget-max = Budget up to (¥)
lead-contact = Phone or e-mail
lead-contact-private = Only the shop's staff see it.
lead-contact-time = Best time to call
lead-time-any = Any time
lead-time-morning = Morning
lead-time-afternoon = Afternoon
lead-time-evening = Evening
lead-message = Message
lead-message-placeholder = Model, year, what it is for…
lead-send = Send request
lead-sent = Request sent: the shop will reply here.
lead-hint-quantity = Ask for 1 to 10,000 units.
lead-hint-province = Choose your province.
lead-hint-city = Type your city (up to 40 characters).
lead-hint-budget-min = Budgets are amounts in yuan, the highest at least the lowest.
lead-hint-budget-max = Budgets are amounts in yuan, the highest at least the lowest.
lead-hint-contact = Type a phone number (6 to 15 digits) or an e-mail address.
lead-hint-contact-time = Choose when to call.
lead-hint-message = Keep the message under 1,000 characters.
lead-mine = My requests for a quote
lead-inbox = Leads
lead-inbox-help = Requests for a quote on your products; each buyer's contact is for your staff only.
lead-none = No requests yet.
lead-none-30 = No requests in the last 30 days.
lead-all = All
lead-status-new = New
lead-status-contacted = Contacted
lead-status-quoted = Quoted
lead-status-won = Won
lead-status-lost = Lost
lead-title = Request for a quote
lead-from = from
lead-conversation = Conversation
lead-no-messages = No replies yet.
lead-note = staff note
lead-reply = Reply
lead-add-note = Add a note
lead-replied = Reply sent.
lead-noted = Note saved.
lead-by-region = Leads by province (30 days)
lead-by-content = Leads by video and room (30 days)
lead-direct = The product page
lead-count = { $n } · { $won } won

## Vouchers for local shops
merchant-kind-voucher = Voucher (used at the shop: a haircut, a pot of tea)
merchant-voucher-terms = Voucher terms (for a voucher)
merchant-voucher-covers = What it buys
merchant-voucher-covers-placeholder = A haircut and wash
merchant-voucher-from = First day
merchant-voucher-until = Last day
merchant-voucher-opens = Usable from
merchant-voucher-closes = Until
merchant-voucher-per-person = How many one person may buy
merchant-voucher-refund-unused = Refund a voucher unused at expiry
merchant-address = Street address
merchant-city-centre = Or a city's centre
merchant-city-none = (latitude and longitude below)
order-note-vouchers-settled = Every voucher used or expired
order-note-voucher-refunded-unused = A voucher expired unused and was refunded
voucher-status-issued = Ready to use
voucher-status-redeemed = Used
voucher-status-refunded = Refunded
voucher-status-expired = Expired
voucher-all-day = all day
voucher-mine = My vouchers
voucher-none = No vouchers yet. Shops near you sell them:
voucher-qr = QR code to show at the shop
voucher-code = Code
voucher-terms = How it works
voucher-terms-line = Valid { $days }, { $hours }
voucher-per-person = Up to { $n } per person
voucher-refund-unused = Refunded automatically if unused when it expires
voucher-no-refund = Not refunded if unused
voucher-where = Use it at { $address }
voucher-redeemed-at = Used
voucher-redeem-title = Redeem a voucher
voucher-redeemed-now = Redeemed. Serve the customer.
voucher-redeem = Redeem
voucher-scan = Scan the QR code
voucher-scan-https = The camera scans on a page served over HTTPS; type the code here.
voucher-code-hint = Type the 12 letters and digits under the customer's QR code (there is no 0, 1, I, L or O in a code).
voucher-last-30 = Vouchers, last 30 days
voucher-recent = Latest redemptions
voucher-none-redeemed = Nothing redeemed yet.
voucher-sold = Sold
voucher-redeemed = Redeemed
voucher-redeemed-worth = Worth of those redeemed
voucher-refunded = Refunded unused
voucher-expired = Expired unused
near-title = Near me
near-help = Shops you can visit, nearest first, and the vouchers they sell.
near-denied = Your browser did not share your position; pick a city instead.
near-use-position = Use my position
near-or-city = Or a city
near-show = Show
near-from = Nearest to { $place }
near-none = No shops with a location here yet.
near-your-position = your position
near-vouchers = { $n ->
    [one] 1 voucher
   *[other] { $n } vouchers
} from { $price }
voucher-refund = Refund this voucher
voucher-refund-confirm = Refund this unused voucher? It can no longer be used.
voucher-refunded-now = Refunded. The money goes back the way you paid.
merchant-voucher-terms-edit = Voucher terms
merchant-voucher-terms-sold = Changes apply to vouchers sold from now on; those sold keep their terms.
merchant-voucher-hours-help = The same time twice: usable all day. A closing time before the opening runs past midnight.
voucher-code-placeholder = ABCD-EFGH-JKMN
order-note-voucher-refunded-by-buyer = A voucher was refunded before use
voucher-not-here = No voucher of this shop has this code. Check it with the customer: it may be another shop's.
merchant-location = Where your shop is
merchant-location-help = Shoppers find you on Near me; vouchers are used at this address. Pick a city's centre or give the latitude and longitude.

## Devices: where the person is signed in
devices-title = Devices
devices-intro = Where your account is signed in. Sign out any you don't recognise, then change your password.
devices-this = This device
devices-app = app
devices-unknown = Unknown browser
devices-signed-in = signed in
devices-last-used = Last used
devices-sign-out = Sign out
devices-sign-out-ask = Sign this device out?
devices-sign-out-others = Sign out everywhere else
devices-sign-out-others-ask = Sign out every other device?
devices-ended-one = That device is signed out.
devices-ended-others = { $n ->
    [one] One other device is signed out.
   *[other] { $n } other devices are signed out.
}

## Getting back into an account; proving an e-mail address or phone
recovery-sent-if-exists = If an account uses this login, a reset link or code is on its way to it.
recovery-code-sent-if-exists = If an account uses this number, a sign-in code is on its way to it.
recovery-forgot-title = Forgot your password?
recovery-forgot-intro = Enter the e-mail address or phone number you sign in with. We will send a link to an e-mail address, or a six-digit code to a phone.
recovery-link-sent = If an account uses { $to }, we have sent it a link. It works for one hour, once.
recovery-code-sent = If an account uses { $to }, we have sent it a six-digit code. It works for ten minutes.
recovery-reset-title = Choose a new password
recovery-new-password = New password (at least 8 characters)
recovery-set-password = Set password and sign in
recovery-code = Six-digit code
recovery-ask-again = Send a new code
recovery-phone = Phone number
recovery-send = Send
recovery-send-code = Send code
recovery-with-password = Sign in with your password instead
recovery-sms-title = Sign in with a code
recovery-sms-intro = We will send a six-digit code to the phone number of your account.
recovery-reset-done = Your password is changed, and every other device is signed out.
recovery-verify-title = Confirm your e-mail or phone
recovery-email-verified = Your e-mail address is confirmed. Thank you!
recovery-phone-verified = Your phone number is confirmed.
recovery-confirm = Confirm
recovery-back-to-me = Back to Me
signin-forgot = Forgot password?
signin-sms = Sign in with an SMS code

## The sandbox's outbox
outbox-title = Messages sent (sandbox)
outbox-intro = The newest e-mail and SMS this Haul wrote. No SMS gateway or mail server is set up here, so read codes and links on this page. It is never shown in production.
outbox-email = E-mail
outbox-sent = sent
outbox-failed = not sent
outbox-waiting = waiting
outbox-empty = Nothing sent yet.

## Account security: verification, two-factor sign-in
security-title = Account security
security-login = Sign-in
security-verified = confirmed
security-unverified = not confirmed
security-verify-why = Confirm that this address or number is yours, so that you can always get back into your account.
security-send-link = Send a confirmation link
security-change-password = Change password
security-2fa = Two-factor sign-in
security-2fa-on = On
security-2fa-why = Signing in will also ask for a code from an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 1Password…), so a stolen password is not enough.
security-2fa-turn-on = Turn on two-factor sign-in
security-2fa-turn-off = Turn off two-factor sign-in
security-2fa-off-ask = Turn off two-factor sign-in? Your password alone will sign you in.
security-2fa-turned-off = Two-factor sign-in is off.
security-codes-left = { $n ->
    [one] One recovery code left.
   *[other] { $n } recovery codes left.
}
security-new-codes = New recovery codes
security-app-code = Code from your app (or a recovery code)
security-scan = Scan this QR code with your authenticator app, then type the six-digit code it shows.
security-or-type = Or type this key into the app:
security-codes-title = Your recovery codes
security-codes-keep = Each of these works once, instead of a code from your app, if you lose your phone. Keep them somewhere safe: they are shown only now.
security-codes-saved = I have saved them
security-second-step = Two-factor sign-in
security-second-step-intro = Enter the six-digit code from your authenticator app, or one of your recovery codes.
security-operator-locked = Operators must turn on two-factor sign-in before they can use the console.
security-mails = E-mails
security-mails-intro = Receipts always come by e-mail. Choose which other news does too (you see it all under Notifications anyway).
security-mail-shipped = My order has shipped
security-mail-pickup = My order is ready for pickup
security-mail-refund = A refund was made
security-mail-live = A room I asked to be reminded of goes live
security-mail-payout = My payout was sent
security-mails-save = Save
security-mails-saved = Your e-mail choices are saved.
security-data = Your data
security-data-intro = Download everything of yours that Haul keeps: profile, addresses, orders, reviews, notes, videos' details, comments, who you follow, earnings. One zip file, each part as JSON and as a spreadsheet (CSV).
security-data-download = Download my data
export-readme =
    Your data from Haul, as it was on { $at }.

    Each part is here twice: as JSON (for programs) and as CSV (for a spreadsheet).
    Amounts are in minor units (cents, fen) with their currency; times are milliseconds since 1970-01-01 UTC.

    profile         your account
    addresses       your delivery addresses
    orders          your orders, order_lines what was in them
    reviews         reviews you wrote
    aftersales      refunds, returns and exchanges you asked for
    vouchers        vouchers you bought
    notes           notes you posted
    videos          your videos' details (the videos themselves are on your Studio page)
    video_comments  comments you wrote on videos, note_comments on notes
    following       the creators you follow
    quote_requests  quotes you asked shops for
    commissions     what you earned on sales, payouts what was paid to you
security-delete = Delete account
security-delete-intro = Your sign-in, name, addresses, follows and messages are erased at once, and you are signed out everywhere. Your orders stay with the shops and in the books under a pseudonym, without your name or address. Wait until your orders are received, cancelled or refunded.
security-delete-keep = Leave my videos, notes, comments and reviews up, under a pseudonym
security-delete-button = Delete my account
security-delete-ask = Delete your account for good? This cannot be undone.
security-deleted = Your account is deleted. Goodbye, and thank you.
