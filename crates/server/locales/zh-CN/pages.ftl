# The pages past the shop: videos, notes, live rooms, the studio, team buys,
# community group buying, the leader's and operator's consoles, the merchant
# console and the sandbox's pay page. Shared words are in main.ftl.

# The video feed and a video.
# Markup: the link to the studio.
watch-empty = 还没有视频，<a href="/studio">来发第一条吧</a>。
watch-like = 点赞
watch-comments = 评论
watch-save = 收藏
watch-share = 分享
watch-buy = 购买
watch-why-title = 为什么推荐给我？
watch-why = 推荐理由：{ $source }。流量池 { $pool } · 质量 { $quality } · 新鲜度 { $freshness } · 兴趣匹配 { $affinity } · 硬广程度 { $hard_sell }（策略系数 ×{ $factor }）· 综合得分 { $score }
watch-why-following = 你关注了这位创作者
watch-why-affinity = 和你常看、常点赞的内容相似
watch-why-exploration = 新作品，正在寻找第一批观众
watch-why-pool = 之前的观众反响不错

# A creator's profile.
creator-followers = 粉丝
creator-videos = { $n } 个作品
creator-follow = 关注
creator-following = 已关注
creator-notes = 笔记

# A note.
note-label-sponsored = 赞助
note-label-commission = 含佣金链接
note-paid-by = 由 { $shop } 赞助
note-by = 作者
note-rating-title = 作者买过这件商品
note-rating = 作者购买后的评分
note-sponsor-offer = { $shop } 想赞助这篇笔记。接受后，笔记将永久标注“赞助”。
note-accept = 接受
note-comments = { $n } 条评论
note-comment-placeholder = 说点什么…
note-send = 发送

# Live rooms: the list, a room, the host's console.
live-now = 正在直播
# Markup: the link to the studio.
live-none = 现在没有人在直播，<a href="/studio">我来开播</a>。
live-badge = 直播中
live-upcoming = 直播预告
live-replays = 直播回放
live-status-scheduled = 预告
live-status-live = 直播中
live-status-ended = 已结束
live-watching = { $count } 人在看
live-starts = 开播时间
live-stream-ended = 直播已结束
live-replay = 回放
live-say = 说点什么…
live-send = 发送
# Markup: the link to sign in.
live-sign-in = <a href="/signin">登录</a>后即可聊天和下单。
live-host-console = 直播中控台
live-bag = 购物袋
live-buy = 购买
live-bought = { $name } 买了 { $quantity } 件 { $title }
live-banned = 你已被房管移出直播间。
live-muted = 你已被房管暂时禁言。
live-mod-delete = 删除
live-mod-mute = 禁言
live-mod-ban = 踢出
live-host-title = 直播中控台：{ $title }
live-open-room = 进入直播间
live-encoder = 推流设置（OBS、ffmpeg 或手机推流 App）
live-server = 推流地址
live-stream-key = 推流密钥
live-stream-key-secret = 请勿泄露：拿到密钥的人可以用你的身份开播
live-grace = 开始推流即开播；停止推流后 { $seconds } 秒内未恢复，直播自动结束，回放仍可观看。
live-end = 结束直播
live-cover = 直播封面
live-cover-help = 开播前和直播列表中展示的图片
live-upload-cover = 上传封面
live-bag-title = 购物袋（最多 100 件商品，按此顺序展示）
live-bag-products = 商品编号或链接
live-save-bag = 保存购物袋
live-pin-title = 讲解商品
live-pin-help = 观众会在画面上看到它和购买按钮
live-pinned = 讲解中
live-pin = 讲解
live-unpin = 取消讲解
live-deal-help = 要在直播间上秒杀，请在商家后台的商品页创建秒杀，并填写本直播间编号 { $id }。
live-figures = 直播数据
live-peak-viewers = 最高在线
live-average-viewers = 平均在线
live-unique-viewers = 观看人数
live-live-for = 直播时长
live-live-time = { $minutes } 分 { $seconds } 秒
live-interactions = 评论 · 点赞 · 分享
live-interaction-rate = 互动率
live-orders = 成交订单
live-gmv = 成交额（GMV）
live-conversion = 转化率
live-figures-help = 互动率 =（评论 + 点赞 + 分享）÷ 观看人数；转化率 = 下单人数 ÷ 观看人数；订单在付款后计入。

# The creator studio.
studio-title = 创作中心
studio-health = 账号健康分
studio-health-low = 低于 { $threshold } 分：作品仅推送给粉丝
studio-followers = { $n } 粉丝
studio-policy = 推荐策略：
studio-policy-content-first = 内容优先（硬广少推）
studio-policy-commerce-first = 带货优先
studio-go-live = 开直播
studio-room-title = 直播标题
studio-room-title-placeholder = 果园直播：橙子丰收啦
studio-room-starts = 开播时间
studio-room-products = 购物袋商品（编号或链接，最多 100 件）
studio-products-example = 商品编号，如 1, 2
studio-product-example = 商品编号，如 12
studio-schedule = 创建直播预告
studio-my-rooms = 我的直播间
studio-video-file = 视频（MP4 或 WebM）
studio-caption = 作品描述
studio-caption-placeholder = 说说这条视频… #话题
studio-video-product = 视频挂车商品（编号或链接）
studio-card-at = 商品卡出现时间（第几秒）
studio-poster = 封面图（可选）
studio-post-video = 发布视频
studio-write-note = 写笔记
studio-note-title = 标题
studio-note-text = 正文
studio-note-pictures = 图片（最多 9 张）
studio-note-product = 笔记提到的商品（编号或链接）
studio-note-rating = 你的评分（买过才能评）
studio-note-no-rating = 不评分
studio-note-commission = 这个商品链接能让我拿佣金（笔记会被标注）
studio-publish-note = 发布笔记
# Markup: the browser test reads the level in the strong.
studio-pool = 流量池 <strong class="pool">{ $level }</strong>：
studio-pool-growing = 上升中，本流量池还剩 { $remaining } 次曝光
studio-pool-stalled = 停止上升：未达到本流量池的门槛，粉丝仍能看到
studio-pool-top = 已进入最大流量池
studio-impressions = 曝光
studio-views = 播放
studio-completion = 完播率
studio-likes = 点赞率
studio-shares = 分享率
studio-product-clicks = 商品点击率
studio-likes-comments = 点赞、评论
studio-purchases = 购买
studio-quality = 质量分
studio-quality-average = （1.00 为平均水平）
studio-hard-sell = 硬广程度
studio-next-pool = 进入下一流量池还需：
studio-metric-completion = 完播率
studio-metric-like = 点赞率
studio-metric-share = 分享率
studio-signal-price-talk = 报价格
studio-signal-urgency = 催单
studio-signal-discount = 打折促销
studio-signal-link-push = 引导点链接
studio-signal-shouting = 喊麦叫卖
studio-signal-anchor-density = 商品卡过密
studio-smoothing = 观看人数较少时，各项比率会向平台平均值修正，几次播放不会让视频显得完美。

# A team buy's page.
team-page-title = 拼团：{ $title }
team-page-each = 每人
team-page-joined = 已有 { $members }/{ $size } 人参团
team-page-needed = 还差 { $needed } 人
team-page-time-left = 剩余时间
# The countdown; the page puts the time in for { $time }.
team-page-left = 剩余 { $time }
team-page-on = 已成团，共 { $members } 人！
# Markup: $countdown is the page's countdown.
team-page-on-more = 最多 { $max } 人可参团，人越多越便宜；满员或倒计时结束（{ $countdown }）即截止，多付的差价会退还。
team-page-complete = 拼团成功！
team-page-complete-more = 所有订单已确认，正在发货。
team-page-failed = 未能在规定时间内成团。
team-page-failed-more = 已为每位团员全额退款。
team-page-opening = 等待团长付款，付款后开始倒计时。
team-page-abandoned = 该团已取消。
team-page-opener = 团长
team-page-paid-only = 只统计已付款的团员，平台不会找人凑团。
team-page-share = 分享链接，邀请好友参团
team-page-copy = 复制链接
team-page-your-order = 我的订单 #{ $id }
team-page-join = { $price } 参团

# Community group buying: the list and a community.
community-title = 社区团购
community-intro = 邻居们在截单时间前跟着团长一起下单，商家次日统一配送到团长的自提点。
community-lead = 我要当团长
community-none = 还没有社区。
community-members = { $n } 位团员
community-pickup = 自提点：
community-pickup-point = 自提点：
community-waiting = 等待平台审核
community-join = 加入社区
community-no-campaigns = 暂无团购活动。
community-orders-close = 截单时间
community-cutoff-at = { $time }（自提点时间 { $zone }）
community-orders-close-in = 距截单
community-closed = 已截单
community-delivery = { $date } 送达自提点。
community-threshold = 满 { $threshold } 件成团（已订 { $ordered } 件），不成团全员退款。
community-ordered = 已订 { $ordered } 件
community-ordered-of = 已订 { $ordered } 件，满 { $needed } 件成团
community-quantity-of = { $title } 的数量
community-order = 下单自提
community-join-to-order = 加入社区后即可下单。
community-status-open = 接龙中
community-status-closing = 截单中
community-status-succeeded = 已成团
community-status-failed = 未成团

# The group leader's console and a campaign.
leader-title = 团长工作台
leader-applied = 你的申请正在等待平台审核。
leader-rejected = 你的申请未通过，可在下方重新申请。
leader-commission = 已得佣金：
leader-commission-none = 暂无
leader-commission-on = { $amount }（{ $n } 单）
leader-apply-title = 申请成为团长
leader-name = 社区名称
leader-area = 所在区域
leader-area-placeholder = 朝阳区 三里屯
leader-pickup-address = 自提点地址
leader-hours = 营业时间
leader-hours-default = 每天 08:00-21:00
leader-latitude = 纬度
leader-longitude = 经度
leader-apply = 提交申请
leader-campaigns = 团购活动
leader-none-yet = 暂无。
leader-new-campaign = 发起团购
leader-no-stores = 还没有商家配送到你的自提点。
leader-store = 供货商家
leader-store-option = { $name }（{ $m } 米）
leader-choose = 选择商品
leader-campaign-title = 标题
leader-campaign-title-placeholder = { $shop } 明日鲜果
leader-store-offers-nothing = { $shop } 暂未向团长供货。
leader-product = 商品
leader-your-price = 团购价
leader-needs = 成团件数
leader-sell = 团购 { $name }
leader-floor = 团长最低价 { $price }
leader-store-price = 同商家价
leader-cutoff = 截单时间（自提点时间 { $zone }）
leader-delivery-date = 送达日期
leader-delivery-blank = 留空则为截单次日
leader-threshold = 整单成团件数
leader-publish = 发布团购
leader-delivery = { $date } 送达
leader-paid = 已付款 { $paid } 件
leader-paid-of = 已付款 { $paid } 件，满 { $needed } 件成团
leader-commission-rate = 已提货订单佣金 { $percent }%
leader-supply = 商家备货单
leader-arrived = 确认到货
# Markup: $time is the page's time.
leader-delivered = 已于 { $time } 送达自提点。
leader-hand-over = 核销提货
leader-by-resident = 团员订单
leader-uncollected = 超时未取
leader-prices-in = 价格单位：{ $currency }。
leader-back = 返回团长工作台
leader-arrived-notice = { $n } 个订单待自提
leader-handed-over = 订单 #{ $id } 已核销提货

# The operator's page.
operator-policy = 推荐策略
operator-content-first = 内容优先：硬广少推（抖音模式）
operator-commerce-first = 带货优先：不降权（快手模式）
operator-save = 保存
operator-creator = 创作者编号
operator-violation = 违规原因
operator-violation-placeholder = 虚假宣传
operator-strike = 记一次违规
operator-applications = 团长申请
operator-no-applications = 暂无待审核的申请。
operator-micro-degrees = （微度）
operator-approve = 通过
operator-reject = 驳回

# The merchant console: shops, a shop, a product.
merchant-title = 在 Haul 开店
merchant-shops = 我的店铺
merchant-no-shop = 你还没有店铺，在下方开一家吧。
merchant-storefront = 店铺主页
merchant-open-title = 开店
merchant-shop-name = 店铺名称
merchant-slug = 店铺地址（小写字母、数字和短横线）
merchant-about = 店铺简介
merchant-open = 立即开店
merchant-orders = 订单
merchant-supply = 社区团购备货单
merchant-supply-none = 暂无。自提点在你配送范围内的团长可以卖你的商品。
merchant-supply-to = 送往 { $community }（{ $address }）· { $date } 送达
merchant-latitude = 纬度
merchant-longitude = 经度
merchant-radius = 配送半径（米）
merchant-save-location = 保存位置
merchant-leaders-title = 团长可售商品
merchant-leaders-help = 团长自行定价，但不能低于你设的最低价。修改或撤回供货后，已发布的团购仍按原价进行。
merchant-nothing-offered = 还没有供货商品。
merchant-offer-from = 最低 { $price }
merchant-new-lowest = 新最低价
merchant-new-lowest-label = 团长新最低价
merchant-change = 修改
merchant-withdraw = 撤回
merchant-offer-another = 向团长供应其他商品
merchant-product = 商品
merchant-lowest-for-leaders = 团长最低价（{ $currency }）
merchant-offer = 供货
merchant-products = 商品
merchant-draft = 草稿
merchant-in-stock = 库存 { $n }
merchant-option-stock = （库存 { $n }）
merchant-new-product = 发布新商品
merchant-product-title = 商品标题
merchant-description = 商品描述
merchant-how-sold = 销售方式
merchant-kind-native = 本店发货
merchant-kind-external = 站外销售（跳转链接）
merchant-external-url = 站外链接
merchant-option-placeholder = 如：5 斤装
merchant-price-in = 价格（{ $currency }）
merchant-stock = 库存
merchant-add-product = 添加商品
merchant-edit = 编辑 { $title }
merchant-view = 查看
merchant-on-sale = 上架销售
merchant-save = 保存
merchant-skus = 规格、价格和库存
merchant-code = 编码
merchant-price = 价格
merchant-add-option = 添加规格
merchant-deals = 限时秒杀
merchant-deal-taken = 已抢 { $sold }/{ $quantity }
merchant-deal-to = 至
merchant-deal-upcoming = 未开始
merchant-deal-live = 进行中
merchant-deal-ended = 已结束
merchant-deal-cancelled = 已取消
merchant-deal-price = 秒杀价
merchant-deal-units = 秒杀数量（立即从库存扣除）
merchant-deal-cap = 每人限购
merchant-deal-starts-in = 多少分钟后开始
merchant-deal-minutes = 持续时长（分钟）
merchant-deal-room = 投放到直播间（编号或链接，可选）
merchant-deal-room-example = 如 3
merchant-deal-start = 开始秒杀
merchant-teams = 拼团
merchant-team-summary = { $size } 人团 { $price }，{ $minutes } 分钟内成团
merchant-team-price = 拼团价
merchant-team-size = 成团人数
merchant-team-hours = 成团时限（小时）
merchant-team-offer = 发起拼团
merchant-picture = 商品图片
merchant-upload = 上传

# The sandbox provider's pay page.
pay-title = 沙箱支付
pay-test-provider = 测试用支付渠道：不扣款，也不打款
pay-pay = 确认支付
pay-decline = 拒绝支付
pay-already-complete = 这笔款项已支付完成。
pay-not-waiting = 这个订单已不需要付款，没有扣款。
pay-declined = 已拒绝支付，没有扣款。
pay-shop-refused = 商家拒收了这笔付款（{ $status }）。
