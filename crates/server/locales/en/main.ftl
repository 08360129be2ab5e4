# Every page: the top bar, the footer, the language switch.
nav-watch = Watch
nav-live = Live
nav-communities = Communities
nav-cart = Cart
nav-orders = My orders
nav-sell = Sell
nav-studio = Studio
nav-leader = Leader
nav-operator = Operator
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-sign-up = Sign up
footer-api = API
footer-about = Haul, open-source social commerce
# The switch names the other language in that language.
lang-other = 中文
lang-other-title = 切换到中文

# Lists of products.
home-title = For you
home-results = Results for “{ $q }”
search-placeholder = Search products
search-button = Search
list-empty = Nothing here yet.
list-more = More
tag-elsewhere = elsewhere
tag-sold-out = sold out
price-see-seller = see seller

# Error pages.
error-not-found = Not found
error-forbidden = Not allowed
error-server = Something went wrong
error-other = That did not work
error-back = Back to the shop

# The product page.
product-sold-by = Sold by
product-partner = fulfilled by a partner
product-draft = draft: only your shop sees this
product-buy-elsewhere = Buy on the seller's site
product-option = Option
product-quantity = Quantity
product-add-to-cart = Add to cart
product-buy-now = Buy now
stock-left = { $count } left
deal-title = Flash deal
deal-starts-in = starts in
deal-ends-in = ends in
deal-ended = ended
deal-until = until
deal-from = from
# Markup: the page counts the units down in the span.
deal-left = <span class="left">{ $left }</span> of { $quantity } left
deal-cap = up to { $cap } per person
deal-sold-out = Sold out
deal-grab = Grab it
team-title = Team buy
team-size = each with { $size } people
team-how = Open a team by paying and share the link: if the team fills within { $time }, everyone gets it; if not, everyone is refunded in full.
team-tiers = The more join, the less each pays: { $tiers }.
team-tier = { $price } from { $people } people
team-join = Join a team that needs { $needed } more
team-start = Start a team
duration-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
duration-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
duration-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}

# The cart.
sandbox-banner = Sandbox payments — no real money
cart-empty = Your cart is empty.
cart-find = Find something
cart-update = Update
cart-total = Total
cart-checkout = Check out

# Orders.
orders-empty = No orders yet.
orders-older = Older
order-number = Order #{ $id }
order-status = Status:
order-refunded = Refunded
order-see-team = See your team
order-community = A community group order: collect it at the pickup point with your code.
order-campaign = The campaign
order-pickup-code = Pickup code
order-pay = Pay { $total }
order-cancel = Cancel order
order-pay-by = Pay before this time or the order is cancelled:
order-history = History
order-status-pending_payment = Awaiting payment
order-status-paid = Paid
order-status-fulfilling = Being prepared
order-status-shipped = Shipped
order-status-ready_for_pickup = Ready for pickup
order-status-completed = Completed
order-status-cancelled = Cancelled
order-status-refunded = Refunded
order-step-fulfilling = Mark being prepared
order-step-shipped = Mark shipped
order-step-ready_for_pickup = Mark ready for pickup
order-step-completed = Mark completed

# Signing in and up.
signin-login = Email or phone
signin-name = Your name
signin-password = Password
signin-role = I am here to
signin-role-shopper = shop
signin-role-creator = create and sell
signin-have-account = Already have an account?
signin-new = New here?

# Why an order moved, in its history.
order-note-placed = order placed
order-note-paid = payment received
order-note-cancelled-by-buyer = cancelled by the buyer
order-note-not-paid-in-time = not paid in time
order-note-by-the-shop = by the shop
order-note-forwarded = forwarded to partner
order-note-team-complete = team complete
order-note-team-closed-unpaid = the team closed before payment
order-note-campaign-closed = campaign closed; the store prepares the delivery
order-note-not-paid-by-cutoff = not paid by the cut-off
order-note-arrived = arrived at the pickup point
order-note-collected = collected at the pickup point
order-note-flash-deal = flash deal
notes-title = Notes
notes-empty = No notes yet.
catalog-title = All products
catalog-all = All products
home-watch-all = Watch
home-more = More
home-watching = { $n } watching
home-upcoming = Soon
home-shop = Shop
tabs-label = Main
tab-home = Home
tab-post = Post
tab-me = Me
me-profile = My profile
me-marketplace = Products to promote
me-earnings = Earnings
manifest-description = Shop from videos, live rooms and notes.
price-deal = Flash deal price, ends in
price-team = { $price } in a team
notifications-title = Notifications
notifications-none = Nothing yet. Replies, new followers, rooms you asked to be reminded of and your orders' news show here.
notifications-unread = { $n } unread
notification-reply = { $name } replied to your comment
notification-comment = { $name } commented on your video
notification-follow = { $name } followed you
notification-live = { $name } is live now
notification-order = Your order has shipped
notification-lead = { $name } answered your request for a quote
notification-voucher-used = Your voucher was used at the shop
notification-voucher-refunded = Your unused voucher was refunded
price-flash = Flash
