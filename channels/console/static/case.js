// One case: fields (masked, audited reveal), status change with a note for the resident,
// reassignment, private notes, the history and the conversation it came from.
(function () {
  "use strict";
  var kit = window.consoleKit;
  var root = document.getElementById("case"), number = root.getAttribute("data-number");
  var base = "/api/cases/" + encodeURIComponent(number), notice = document.getElementById("notice");
  var WHO = { resident: "居民", bot: "智能助手", staff: "工作人员", system: "" };

  function show(err) { notice.textContent = err.message || String(err); }
  function meta(c) {
    document.getElementById("title").textContent = "办件 " + c.case_number;
    var dl = document.getElementById("meta");
    dl.textContent = "";
    [["业务", c.service_zh], ["类别", c.category_zh || "—"], ["状态", c.status_zh], ["部门", c.department_name],
     ["渠道", c.channel_zh], ["提交时间", c.created], ["优先级", c.urgent ? "紧急" : "一般"]].forEach(function (p) {
      dl.appendChild(kit.el("dt", "", p[0]));
      var dd = kit.el("dd", p[0] === "状态" ? "status s-" + c.status : "", p[1]);
      if (p[0] === "状态") dd.id = "status-now";
      dl.appendChild(dd);
    });
  }
  function fields(rows) {
    kit.maskedRows(document.getElementById("fields"), rows, "data-field", function (name) {
      return kit.post(base + "/reveal", { field: name });
    }, show);
  }
  function statuses(c) {
    var select = document.getElementById("next-status");
    select.textContent = "";
    c.next_statuses.forEach(function (s) { var o = kit.el("option", "", s.label); o.value = s.status; select.appendChild(o); });
    document.getElementById("status-form").hidden = c.next_statuses.length === 0;
  }
  function historyList(items) {
    var ol = document.getElementById("history");
    ol.textContent = "";
    items.forEach(function (h) {
      var li = kit.el("li", "h-" + h.kind);
      li.appendChild(kit.el("span", "at", h.at + " · " + h.actor));
      li.appendChild(kit.el("span", "text", h.text));
      if (h.note) li.appendChild(kit.el("span", "note", "说明：" + h.note));
      ol.appendChild(li);
    });
  }
  function notes(items) {
    var ul = document.getElementById("notes");
    ul.textContent = "";
    if (!items.length) ul.appendChild(kit.el("li", "empty", "暂无备注"));
    items.forEach(function (n) { ul.appendChild(kit.el("li", "", n.at.slice(0, 16).replace("T", " ") + " " + n.author + "：" + n.text)); });
  }
  function conversation(conv) {
    var box = document.getElementById("transcript");
    box.textContent = "";
    if (!conv.id) { box.appendChild(kit.el("p", "empty", "没有可显示的来源会话")); return; }
    if (!conv.lines.length) box.appendChild(kit.el("p", "empty", "会话记录已过期或为空"));
    conv.lines.forEach(function (l) {
      var div = kit.el("div", "line " + l.role);
      var who = WHO[l.role] + (l.staff ? "（" + l.staff + "）" : "");
      if (who) div.appendChild(kit.el("span", "who", who));
      div.appendChild(kit.el("span", "text", l.text));
      box.appendChild(div);
    });
  }
  function departments(d, mayReassign) {
    var assign = document.getElementById("assign-form"), back = document.getElementById("return-form");
    assign.hidden = !mayReassign; back.hidden = mayReassign || !d.department;
    if (!mayReassign) return;
    kit.get("/api/departments").then(function (list) {
      var select = document.getElementById("assign-to");
      select.textContent = "";
      var none = kit.el("option", "", "社区服务中心（待分派）"); none.value = ""; select.appendChild(none);
      list.items.forEach(function (dep) { var o = kit.el("option", "", dep.name); o.value = dep.department_id; select.appendChild(o); });
      select.value = d.department || "";
    });
  }
  function render(d) {
    meta(d.case); fields(d.case.fields); statuses(d.case); historyList(d.history); notes(d.notes);
    conversation(d.conversation); departments(d.case, d.may_reassign);
  }
  function load() { return kit.get(base).then(render, show); }

  document.getElementById("status-form").addEventListener("submit", function (e) {
    e.preventDefault();
    notice.textContent = "";
    kit.post(base + "/status", { status: e.target.elements.status.value, note: e.target.elements.note.value })
      .then(function () { e.target.elements.note.value = ""; notice.textContent = "状态已更新，已通知居民。"; load(); }, show);
  });
  document.getElementById("assign-form").addEventListener("submit", function (e) {
    e.preventDefault();
    kit.post(base + "/assignment", { department: e.target.elements.department.value || null, note: e.target.elements.note.value })
      .then(function () { notice.textContent = "已改派。"; load(); }, show);
  });
  document.getElementById("return-form").addEventListener("submit", function (e) {
    e.preventDefault();
    kit.post(base + "/assignment", { department: null, note: e.target.elements.note.value })
      .then(function () { location.href = "/cases"; }, show);
  });
  document.getElementById("note-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = document.getElementById("note-text");
    kit.post(base + "/notes", { text: text.value }).then(function () { text.value = ""; load(); }, show);
  });
  load();
})();
