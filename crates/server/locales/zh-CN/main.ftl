# Every page: the top bar, the footer, the language switch.
nav-watch = 视频
nav-live = 直播
nav-communities = 社区团购
nav-cart = 购物车
nav-orders = 我的订单
nav-sell = 开店
nav-studio = 创作中心
nav-leader = 团长
nav-operator = 运营后台
nav-sign-out = 退出登录
nav-sign-in = 登录
nav-sign-up = 注册
footer-api = API
footer-about = Haul，开源社交电商
# The switch names the other language in that language.
lang-other = English
lang-other-title = Switch to English

# Lists of products.
home-title = 推荐
home-results = “{ $q }”的搜索结果
search-placeholder = 搜索商品
search-button = 搜索
list-empty = 这里还什么都没有。
list-more = 更多
tag-elsewhere = 站外
tag-sold-out = 已售罄
price-see-seller = 见卖家网站

# Error pages.
error-not-found = 找不到页面
error-forbidden = 无权操作
error-server = 出错了
error-other = 操作未成功
error-back = 返回商城

# The product page.
product-sold-by = 店铺：
product-partner = 由合作方发货
product-draft = 草稿：仅本店可见
product-buy-elsewhere = 去卖家网站购买
product-option = 规格
product-quantity = 数量
product-add-to-cart = 加入购物车
product-buy-now = 立即购买
stock-left = 剩 { $count } 件
deal-title = 限时秒杀
deal-starts-in = 距开始
deal-ends-in = 距结束
deal-ended = 已结束
deal-until = 截止
deal-from = 开始于
# Markup: the page counts the units down in the span.
deal-left = 剩余 <span class="left">{ $left }</span> / { $quantity } 件
deal-cap = 每人限购 { $cap } 件
deal-sold-out = 已抢光
deal-grab = 马上抢
team-title = 拼团
team-size = { $size } 人成团
team-how = 付款即开团，分享链接邀请好友：{ $time }内成团则人人发货；未成团全额退款。
team-tiers = 参团人越多越便宜：{ $tiers }。
team-tier = { $people } 人起 { $price }
team-join = 参加这个团，还差 { $needed } 人
team-start = 我要开团
duration-days = { $n } 天
duration-hours = { $n } 小时
duration-minutes = { $n } 分钟

# The cart.
sandbox-banner = 沙箱支付——不会真实扣款
cart-empty = 购物车是空的。
cart-find = 去逛逛
cart-update = 更新
cart-total = 合计
cart-checkout = 去结算

# Orders.
orders-empty = 还没有订单。
orders-older = 更早的订单
order-number = 订单 #{ $id }
order-status = 状态：
order-refunded = 已退款
order-see-team = 查看我的团
order-community = 社区团购订单：凭提货码到自提点取货。
order-campaign = 查看团购活动
order-pickup-code = 提货码
order-pay = 支付 { $total }
order-cancel = 取消订单
order-pay-by = 请在此时间前付款，否则订单自动取消：
order-history = 订单记录
order-status-pending_payment = 待付款
order-status-paid = 已付款
order-status-fulfilling = 备货中
order-status-shipped = 已发货
order-status-ready_for_pickup = 待自提
order-status-completed = 已完成
order-status-cancelled = 已取消
order-status-refunded = 已退款
order-step-fulfilling = 标记为备货中
order-step-shipped = 标记为已发货
order-step-ready_for_pickup = 标记为待自提
order-step-completed = 标记为已完成

# Signing in and up.
signin-login = 邮箱或手机号
signin-name = 昵称
signin-password = 密码
signin-role = 我来这里
signin-role-shopper = 购物
signin-role-creator = 创作和卖货
signin-have-account = 已有账号？
signin-new = 第一次来？

# Why an order moved, in its history.
order-note-placed = 已下单
order-note-paid = 已收到付款
order-note-cancelled-by-buyer = 买家取消了订单
order-note-not-paid-in-time = 超时未付款
order-note-by-the-shop = 由店铺操作
order-note-forwarded = 已转给合作方发货
order-note-team-complete = 拼团成功
order-note-team-closed-unpaid = 付款前拼团已结束
order-note-campaign-closed = 团购已截单，店铺正在备货
order-note-not-paid-by-cutoff = 截单前未付款
order-note-arrived = 已送达自提点
order-note-collected = 已在自提点提货
order-note-flash-deal = 限时秒杀下单
notes-title = 笔记
notes-empty = 还没有笔记。
catalog-title = 全部商品
catalog-all = 全部商品
home-watch-all = 看视频
home-more = 更多
home-watching = { $n } 人在看
home-upcoming = 预告
home-shop = 逛商城
tabs-label = 主导航
tab-home = 首页
tab-post = 发布
tab-me = 我
me-profile = 我的主页
me-marketplace = 选品广场
me-earnings = 我的收益
manifest-description = 在短视频、直播和笔记里逛和买。
price-deal = 秒杀价，距结束
price-team = 拼团 { $price }
notifications-title = 消息
notifications-none = 还没有消息。回复、新粉丝、预约的直播开播和订单动态都会显示在这里。
notifications-unread = { $n } 条未读
notification-reply = { $name } 回复了你的评论
notification-comment = { $name } 评论了你的视频
notification-follow = { $name } 关注了你
notification-live = { $name } 开播了
notification-order = 你的订单已发货
notification-lead = { $name } 回复了你的询价
notification-voucher-used = 你的券已到店使用
notification-voucher-refunded = 你未使用的券已退款
price-flash = 秒杀
