## E-mail and SMS that Haul sends. `mail-<kind>-subject` and `-body` for
## e-mail, `sms-<kind>` for SMS (SMS start with the sender's name in 【】,
## as Chinese carriers require).

mail-reset_password-subject = Reset your Haul password
mail-reset_password-body =
    Hello { $name },

    Someone (we hope you) asked to reset the password of your Haul account.
    Open this link within { $minutes } minutes to choose a new one:

    { $link }

    Setting a new password signs your account out everywhere else.
    If you did not ask for this, ignore this e-mail: your password stays as it is.
sms-reset_password = 【Haul】Your code to reset your password is { $code }, valid for { $minutes } minutes. Never tell it to anyone.

mail-verify_email-subject = Confirm your e-mail address for Haul
mail-verify_email-body =
    Hello { $name },

    Please confirm that this is your e-mail address by opening this link within 24 hours:

    { $link }

    If you did not make a Haul account, ignore this e-mail.
sms-verify_phone = 【Haul】Your code to confirm this phone number is { $code }, valid for { $minutes } minutes.
sms-sign_in = 【Haul】Your sign-in code is { $code }, valid for { $minutes } minutes. Never tell it to anyone.

mail-receipt-subject = Receipt for your Haul order { $order }
mail-receipt-body =
    Hello { $name },

    Thank you for your order { $order } from { $shop }. We have received your payment.

    { $lines }

    Total paid: { $total }

    Follow your order here:
    { $link }

mail-shipped-subject = Your order { $order } is on its way
mail-shipped-body =
    Hello { $name },

    Your order { $order } has shipped with { $carrier }, tracking number { $tracking }.

    { $link }

mail-pickup-subject = Your order { $order } is ready for pickup
mail-pickup-body =
    Hello { $name },

    Your order { $order } has arrived at your group leader's pickup point.
    Show this pickup code when you collect it: { $code }

    { $link }

mail-refund-subject = A refund for your order { $order }
mail-refund-body =
    Hello { $name },

    { $amount } has been refunded for your order { $order }. It goes back the way you paid.

    { $link }

mail-live-subject = { $host } is live now: { $title }
mail-live-body =
    Hello { $name },

    You asked to be reminded: { $host } has just gone live with "{ $title }".

    { $link }

mail-payout-subject = Your payout of { $amount } is sent
mail-payout-body =
    Hello { $name },

    Your payout of { $amount } has been sent. Your statement shows it under Earnings.

mail-footer-optional = You can turn off e-mails like this under Me → Account security.
