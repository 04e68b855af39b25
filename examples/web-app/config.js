// Where this page finds the Integration Hub. A deployment writes this file (the hub writes its own when it serves
// the page at /sandbox/). Never take the hub's URL from the page's address: a link could then send the user's
// bearer token to any server.
window.HUB_WEB_APP_CONFIG = {
  // The hub's base URL: its origin is the only origin popup results are accepted from.
  hubUrl: "http://localhost:8080",
  // The integration types the buttons connect (the hub's names; tests point "gmail" at a sandbox type).
  integrationTypes: { gmail: "gmail", drive: "google_drive", telegram: "telegram" },
  // How often the connections list is reloaded, to show refreshes and status changes.
  pollSeconds: 5,
};
