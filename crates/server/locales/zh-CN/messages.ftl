## Haul 发送的邮件和短信。

mail-reset_password-subject = 重置你的 Haul 密码
mail-reset_password-body =
    { $name }，你好：

    有人（希望是你本人）申请重置你的 Haul 账号密码。
    请在 { $minutes } 分钟内打开下面的链接设置新密码：

    { $link }

    设置新密码后，你的账号会在其他所有设备上退出登录。
    如果不是你本人操作，请忽略这封邮件，你的密码不会改变。
sms-reset_password = 【Haul】你的重置密码验证码是 { $code }，{ $minutes } 分钟内有效。请勿告诉任何人。

mail-verify_email-subject = 验证你在 Haul 的邮箱
mail-verify_email-body =
    { $name }，你好：

    请在 24 小时内打开下面的链接，确认这是你的邮箱：

    { $link }

    如果你没有注册 Haul 账号，请忽略这封邮件。
sms-verify_phone = 【Haul】你的手机号验证码是 { $code }，{ $minutes } 分钟内有效。
sms-sign_in = 【Haul】你的登录验证码是 { $code }，{ $minutes } 分钟内有效。请勿告诉任何人。

mail-receipt-subject = 你的 Haul 订单 { $order } 的收据
mail-receipt-body =
    { $name }，你好：

    感谢你在 { $shop } 下单（订单 { $order }），我们已收到你的付款。

    { $lines }

    实付：{ $total }

    在这里查看订单：
    { $link }

mail-shipped-subject = 你的订单 { $order } 已发货
mail-shipped-body =
    { $name }，你好：

    你的订单 { $order } 已由 { $carrier } 发出，运单号 { $tracking }。

    { $link }

mail-pickup-subject = 你的订单 { $order } 可以自提了
mail-pickup-body =
    { $name }，你好：

    你的订单 { $order } 已到达团长的自提点。
    取货时请出示提货码：{ $code }

    { $link }

mail-refund-subject = 你的订单 { $order } 已退款
mail-refund-body =
    { $name }，你好：

    你的订单 { $order } 已退款 { $amount }，将原路退回。

    { $link }

mail-live-subject = { $host } 正在直播：{ $title }
mail-live-body =
    { $name }，你好：

    你预约的直播开始了：{ $host } 正在直播“{ $title }”。

    { $link }

mail-payout-subject = 你的 { $amount } 提现已发出
mail-payout-body =
    { $name }，你好：

    你的 { $amount } 提现已发出，可以在“收益”的对账单中查看。

mail-footer-optional = 可以在“我的 → 账号安全”中关闭这类邮件。
