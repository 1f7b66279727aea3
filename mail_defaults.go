package galley

// Default mail template bodies, in Galley's own words with PocketBase's
// placeholders. Links use the PocketBase action URL shapes so that apps
// built for PocketBase's dashboard pages keep working.
const (
	mailFooter = `<p>
  Thanks,<br/>
  The {APP_NAME} team
</p>`

	defaultVerificationBody = `<p>Hello,</p>
<p>Thank you for joining {APP_NAME}.</p>
<p>Click the button below to verify your email address.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" target="_blank" rel="noopener">Verify</a>
</p>
` + mailFooter

	defaultPasswordResetBody = `<p>Hello,</p>
<p>Click the button below to reset your password.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Reset password</a>
</p>
<p><i>If you didn't ask to reset your password, you can ignore this email.</i></p>
` + mailFooter

	defaultEmailChangeBody = `<p>Hello,</p>
<p>Click the button below to confirm your new email address.</p>
<p>
  <a class="btn" href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" rel="noopener">Confirm new email</a>
</p>
<p><i>If you didn't ask to change your email address, you can ignore this email.</i></p>
` + mailFooter

	defaultOTPBody = `<p>Hello,</p>
<p>Your one-time password is: <strong>{OTP}</strong></p>
<p><i>If you didn't ask for a one-time password, you can ignore this email.</i></p>
` + mailFooter

	defaultLoginAlertBody = `<p>Hello,</p>
<p>We noticed a log-in to your {APP_NAME} account from a new location:</p>
<p><em>{ALERT_INFO}</em></p>
<p><strong>If this wasn't you, change your {APP_NAME} password right away to revoke access from every other device.</strong></p>
<p>If this was you, you can ignore this email.</p>
` + mailFooter
)

// The default mail templates of a new auth collection (and the mails sent
// when a collection's template is empty).
var (
	DefaultVerificationTemplate       = EmailTemplate{Subject: "Verify your {APP_NAME} email", Body: defaultVerificationBody}
	DefaultResetPasswordTemplate      = EmailTemplate{Subject: "Reset your {APP_NAME} password", Body: defaultPasswordResetBody}
	DefaultConfirmEmailChangeTemplate = EmailTemplate{Subject: "Confirm your {APP_NAME} new email address", Body: defaultEmailChangeBody}
	DefaultOTPTemplate                = EmailTemplate{Subject: "OTP for {APP_NAME}", Body: defaultOTPBody}
	DefaultAuthAlertTemplate          = EmailTemplate{Subject: "Login from a new location", Body: defaultLoginAlertBody}
)
