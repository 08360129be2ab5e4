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
