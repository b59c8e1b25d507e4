// Resident web chat. Every message is rendered with textContent, never as HTML.
(function () {
  "use strict";
  var base = "/webhooks/webchat/";
  var log = document.getElementById("log");
  var input = document.getElementById("message");
  var statusLine = document.getElementById("status");
  var WHO = { resident: "我", bot: "智能助手", staff: "工作人员", notice: "通知" };

  function newSender() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  var sender = localStorage.getItem("webchat-sender");
  if (!/^web-[0-9a-f]{32}$/.test(sender || "")) {
    sender = newSender();
    localStorage.setItem("webchat-sender", sender);
  }

  function toggle(id, cls) {
    var button = document.getElementById(id);
    function apply(on) {
      document.body.classList.toggle(cls, on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      localStorage.setItem("webchat-" + cls, on ? "1" : "");
    }
    apply(localStorage.getItem("webchat-" + cls) === "1");
    button.addEventListener("click", function () { apply(!document.body.classList.contains(cls)); });
  }
  toggle("large-text", "large");
  toggle("contrast", "contrast");

  function render(msg) {
    if (document.getElementById("m-" + msg.id)) return;
    var div = document.createElement("div");
    div.id = "m-" + msg.id;
    div.className = "msg " + (WHO[msg.role] ? msg.role : "bot");
    div.setAttribute("data-role", msg.role);
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = WHO[msg.role] || WHO.bot;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = msg.text || "";
    div.appendChild(who);
    div.appendChild(text);
    if (msg.buttons && msg.buttons.length) {
      var choices = document.createElement("div");
      choices.className = "choices";
      msg.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title || b.payload || "";
        btn.addEventListener("click", function () { send(b.payload || b.title); });
        choices.appendChild(btn);
      });
      div.appendChild(choices);
    }
    log.appendChild(div);
    div.scrollIntoView({ block: "end" });
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    statusLine.textContent = "发送中…";
    fetch(base + "webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: text })
    }).then(function (r) {
      statusLine.textContent = r.ok ? "已发送" : "发送失败，请重试";
    }, function () { statusLine.textContent = "网络不通，请稍后重试"; });
  }

  document.getElementById("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });

  var events = new EventSource(base + "stream/" + sender);
  events.onopen = function () { statusLine.textContent = "已连接，请输入您的问题"; };
  events.onerror = function () { statusLine.textContent = "连接中断，正在重连…"; };
  events.onmessage = function (e) { render(JSON.parse(e.data)); };
  window.webchatSender = sender;
})();
