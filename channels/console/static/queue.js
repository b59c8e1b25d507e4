// Live queue of conversations waiting for a human (server-sent events).
(function () {
  "use strict";
  var kit = window.consoleKit, body = document.getElementById("queue");
  var empty = document.getElementById("empty"), live = document.getElementById("live");
  var items = [], receivedAt = Date.now();

  function row(item) {
    var tr = kit.el("tr", item.urgent ? "urgent" : "");
    tr.setAttribute("data-conversation", item.conversation_id);
    var waited = item.waiting_s + Math.floor((Date.now() - receivedAt) / 1000);
    tr.appendChild(kit.el("td", "waited", kit.waited(waited)));
    var reason = kit.el("td");
    reason.appendChild(kit.el("span", "badge" + (item.urgent ? " urgent" : ""), (item.urgent ? "紧急 · " : "") + item.reason_zh));
    tr.appendChild(reason);
    tr.appendChild(kit.el("td", "", item.service_zh));
    tr.appendChild(kit.el("td", "", kit.channel(item.channel)));
    tr.appendChild(kit.el("td", "summary", item.summary));
    tr.appendChild(kit.el("td", "owner", item.owner ? "已由 " + item.owner + " 接管" : "等待中"));
    var open = kit.el("td"), link = kit.el("a", "open", "打开");
    link.href = "/conversations/" + encodeURIComponent(item.conversation_id);
    open.appendChild(link);
    tr.appendChild(open);
    return tr;
  }
  function render() {
    body.textContent = "";
    items.forEach(function (item) { body.appendChild(row(item)); });
    empty.hidden = items.length > 0;
  }
  var source = new EventSource("/api/queue/stream");
  source.addEventListener("queue", function (e) {
    items = JSON.parse(e.data).items; receivedAt = Date.now(); render();
  });
  source.onopen = function () { live.textContent = "● 实时更新"; };
  source.onerror = function () { live.textContent = "连接中断，正在重连…"; };
  setInterval(render, 15000);
})();
