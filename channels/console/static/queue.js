// Live queue of conversations waiting for a human (server-sent events), with a title-bar
// and sound alert when someone new joins (a more insistent one when it is urgent).
(function () {
  "use strict";
  var kit = window.consoleKit, body = document.getElementById("queue");
  var empty = document.getElementById("empty"), live = document.getElementById("live");
  var items = [], receivedAt = Date.now(), known = null, alerts = 0, flag = "";
  var baseTitle = document.title, audio = null;

  function row(item) {
    var tr = kit.el("tr", item.urgent ? "urgent" : "");
    tr.setAttribute("data-conversation", item.conversation_id);
    var waited = item.waiting_s + Math.floor((Date.now() - receivedAt) / 1000);
    tr.appendChild(kit.el("td", "waited", kit.waited(waited)));
    var reason = kit.el("td");
    reason.appendChild(kit.el("span", "badge" + (item.urgent ? " urgent" : ""), item.badge));
    tr.appendChild(reason);
    tr.appendChild(kit.el("td", "", item.service_zh));
    tr.appendChild(kit.el("td", "", item.channel_zh));
    tr.appendChild(kit.el("td", "summary", item.summary));
    tr.appendChild(kit.el("td", "owner", item.owner ? "已由 " + item.owner + " 接管" : "等待中"));
    var open = kit.el("td"), link = kit.el("a", "open", "打开");
    link.href = "/conversations/" + encodeURIComponent(item.conversation_id);
    open.appendChild(link);
    tr.appendChild(open);
    return tr;
  }
  function title() {
    var waiting = items.filter(function (i) { return !i.owner; }).length;
    document.title = flag + (waiting ? "(" + waiting + ") " : "") + baseTitle;
  }
  function render() {
    body.textContent = "";
    items.forEach(function (item) { body.appendChild(row(item)); });
    empty.hidden = items.length > 0;
    title();
  }
  function beep(times) {
    // Browsers allow sound only after the page was used once (a click or a key).
    if (!audio || audio.state !== "running") return;
    for (var i = 0; i < times; i++) {
      var osc = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + i * 0.3;
      osc.frequency.value = times > 1 ? 1046 : 784;
      gain.gain.setValueAtTime(0.2, at); gain.gain.exponentialRampToValueAtTime(0.001, at + 0.25);
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(at); osc.stop(at + 0.25);
    }
  }
  function alertNew(fresh) {
    var urgent = fresh.some(function (i) { return i.urgent; });
    alerts += 1;
    flag = urgent ? "【紧急】" : "【新】";
    document.body.setAttribute("data-alerts", String(alerts));
    document.body.setAttribute("data-last-alert", urgent ? "urgent" : "new");
    beep(urgent ? 3 : 1);
  }
  function update(next) {
    var fresh = known === null ? [] : next.filter(function (i) { return !known[i.conversation_id]; });
    known = {};
    next.forEach(function (i) { known[i.conversation_id] = true; });
    items = next; receivedAt = Date.now();
    if (fresh.length) alertNew(fresh);
    render();
  }
  function seen() { if (flag) { flag = ""; title(); } }
  function unlockSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("click", function () { unlockSound(); seen(); });
  document.addEventListener("keydown", unlockSound);
  window.addEventListener("focus", seen);
  var source = new EventSource("/api/queue/stream");
  source.addEventListener("queue", function (e) { update(JSON.parse(e.data).items); });
  source.onopen = function () { live.textContent = "● 实时更新"; };
  source.onerror = function () { live.textContent = "连接中断，正在重连…"; };
  setInterval(render, 15000);
})();
