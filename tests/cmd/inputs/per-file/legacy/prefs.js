// A legacy mail server: no TLS for incoming mail, opportunistic STARTTLS for outgoing mail
// (T003 and T004, which the maillint.toml above ignores for this folder), and an SMTP host
// one letter away from Gmail's (H003, an error by default, made a warning there).
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "someone@example.org");
user_pref("mail.server.server1.hostname", "mail.example.org");
user_pref("mail.server.server1.socketType", 0);
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.gmial.com");
user_pref("mail.smtpserver.smtp1.port", 587);
user_pref("mail.smtpserver.smtp1.try_ssl", 1);
user_pref("mail.smtpservers", "smtp1");
