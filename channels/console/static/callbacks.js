// Callback tasks: calls a department owes residents it cannot reach in writing.
(function () {
  "use strict";
  var kit = window.consoleKit, body = document.getElementById("callback-rows");
  var empty = document.getElementById("empty"), notice = document.getElementById("notice");
  var status = document.getElementById("cb-status");

  function show(err) { notice.textContent = err.message || String(err); }
  function closer(cb) {
    var form = kit.el("form", "close-form");
    var result = kit.el("input"); result.name = "result"; result.placeholder = "回电结果"; result.maxLength = 1000;
    var done = kit.el("button", "", "已回电"); done.type = "submit"; done.value = "done";
    var cancel = kit.el("button", "", "取消"); cancel.type = "submit"; cancel.value = "cancelled";
    [result, done, cancel].forEach(function (n) { form.appendChild(n); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      kit.post("/api/callbacks/" + cb.callback_id + "/close", { status: e.submitter.value, result: result.value })
        .then(load, show);
    });
    return form;
  }
  function row(cb) {
    var tr = kit.el("tr");
    tr.setAttribute("data-callback", cb.callback_id);
    tr.appendChild(kit.el("td", "", cb.why));
    tr.appendChild(kit.el("td", "", cb.service_zh));
    var caseCell = kit.el("td");
    if (cb.case_number) { var a = kit.el("a", "", cb.case_number); a.href = "/cases/" + encodeURIComponent(cb.case_number); caseCell.appendChild(a); }
    else caseCell.textContent = "—";
    tr.appendChild(caseCell);
    var phone = kit.el("td", "phone"), number = kit.el("span", "", cb.phone);
    phone.appendChild(number);
    if (cb.status === "open" && cb.phone !== "—") {
      var b = kit.el("button", "reveal", "查看"); b.type = "button";
      b.addEventListener("click", function () {
        kit.post("/api/callbacks/" + cb.callback_id + "/reveal").then(function (d) { number.textContent = d.phone; b.disabled = true; }, show);
      });
      phone.appendChild(b);
    }
    tr.appendChild(phone);
    tr.appendChild(kit.el("td", "", cb.note || "—"));
    tr.appendChild(kit.el("td", "", cb.department_name));
    tr.appendChild(kit.el("td", "", cb.created));
    var act = kit.el("td");
    if (cb.status === "open") act.appendChild(closer(cb)); else act.textContent = (cb.result || "") + "（" + (cb.status === "done" ? "已回电" : "已取消") + "）";
    tr.appendChild(act);
    return tr;
  }
  function load() {
    return kit.get("/api/callbacks?status=" + status.value).then(function (d) {
      body.textContent = "";
      d.items.forEach(function (cb) { body.appendChild(row(cb)); });
      empty.hidden = d.items.length > 0;
    }, show);
  }
  status.addEventListener("change", load);
  load();
})();
