// Campaigns: compose, preview counts, schedule, follow delivery and replies.
(function () {
  "use strict";
  var kit = window.consoleKit, form = document.getElementById("campaign-form");
  var result = document.getElementById("preview-result"), notice = document.getElementById("notice");
  var rows = document.getElementById("campaign-rows"), empty = document.getElementById("empty");

  function show(err) { notice.textContent = err.message || String(err); }
  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) out[el.name] = el.value; });
    return out;
  }
  function counts(c) {
    var parts = [];
    Object.keys(c.counts_zh).forEach(function (k) { if (c.counts[k]) parts.push(c.counts_zh[k] + " " + c.counts[k]); });
    return parts.join("，") || "等待发送";
  }
  function row(c) {
    var tr = kit.el("tr");
    tr.setAttribute("data-campaign", c.campaign_id);
    [c.title, c.target_zh, c.send_at.replace("T", " "), String(c.recipients), counts(c), c.created_by]
      .forEach(function (text) { tr.appendChild(kit.el("td", "", text)); });
    return tr;
  }
  function load() {
    return kit.get("/api/campaigns").then(function (d) {
      rows.textContent = "";
      d.items.forEach(function (c) { rows.appendChild(row(c)); });
      empty.hidden = d.items.length > 0;
    }, show);
  }
  document.getElementById("preview").addEventListener("click", function () {
    notice.textContent = "";
    kit.post("/api/campaigns/preview", values()).then(function (d) {
      var ch = Object.keys(d.by_channel_zh).map(function (k) { return k + " " + d.by_channel_zh[k]; }).join("，");
      result.textContent = "符合条件 " + d.matching + " 人，可以送达 " + d.reachable + " 人" +
        (ch ? "（" + ch + "）" : "") + "，已退订 " + d.opted_out + " 人。";
    }, show);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    notice.textContent = "";
    kit.post("/api/campaigns", values()).then(function (d) {
      notice.textContent = "已安排发送给 " + d.recipients + " 人。";
      return load();
    }, show);
  });
  load();
  setInterval(load, 5000);
})();
