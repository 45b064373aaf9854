// The Mini App's sign-in, without telegram-web-app.js from a CDN: Telegram opens the page with
// its signed initData in the URL fragment (#tgWebAppData=...); we POST it, the server checks it.
(function () {
  "use strict";
  var status = document.getElementById("status");
  var fragment = new URLSearchParams(window.location.hash.slice(1));
  var initData = fragment.get("tgWebAppData");
  if (!initData) {
    status.textContent = status.getAttribute("data-missing");
    return;
  }
  // Drop the fragment from the address bar and history: it is a credential for an hour.
  window.history.replaceState(null, "", window.location.pathname);
  var body = new URLSearchParams();
  body.set("init_data", initData);
  fetch(window.location.pathname.replace(/\/app$/, "/auth/webapp"), {
    method: "POST",
    body: body,
    credentials: "same-origin",
  })
    .then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok && answer.ok) {
          window.location.replace(answer.next);
        } else {
          status.textContent = status.getAttribute("data-refused");
        }
      });
    })
    .catch(function () {
      status.textContent = status.getAttribute("data-refused");
    });
})();
