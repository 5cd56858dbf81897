// One Gmail account whose IMAP server is a host Google does not serve mail from: enough for
// `--isolated` to show a finding while the maillint.toml beside this file is invalid.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.useremail", "someone@gmail.com");
user_pref("mail.server.server1.hostname", "imap.google.com");
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
