user_pref("mail.server.server2.hostname", "mail.example.org");
// maillint: ignore[opportunistic-starttls] the server has no STARTTLS yet
user_pref("mail.server.server2.socketType", 1);
user_pref("mail.server.server2.type", "imap");
// maillint: ignore[tls-disabled]
user_pref("mail.server.server2.userName", "alex");
