// The case list: filters kept in the address bar, one page of 50 from the back office.
(function () {
  "use strict";
  var kit = window.consoleKit;
  var form = document.getElementById("filters"), rows = document.getElementById("case-rows");
  var empty = document.getElementById("empty"), total = document.getElementById("total");
  var pageLabel = document.getElementById("page"), notice = document.getElementById("notice");
  var prev = document.getElementById("prev"), next = document.getElementById("next");
  var page = 0, pages = 1, loads = 0, NAMES = ["service", "status", "department", "channel", "created_from", "created_to", "q"];

  function fromAddress() {
    var params = new URLSearchParams(location.search);
    NAMES.forEach(function (n) { if (params.get(n)) form.elements[n].value = params.get(n); });
    page = parseInt(params.get("page") || "0", 10) || 0;
  }
  function query() {
    var params = new URLSearchParams();
    NAMES.forEach(function (n) { var v = form.elements[n].value.trim(); if (v) params.set(n, v); });
    if (page) params.set("page", String(page));
    return params;
  }
  function row(c) {
    var tr = kit.el("tr", c.urgent ? "urgent" : "");
    tr.setAttribute("data-case", c.case_number);
    var first = kit.el("td"), link = kit.el("a", "open", c.case_number);
    link.href = "/cases/" + encodeURIComponent(c.case_number);
    first.appendChild(link);
    if (c.urgent) first.appendChild(kit.el("span", "badge urgent", "紧急"));
    tr.appendChild(first);
    [c.service_zh, c.category_zh || "—"].forEach(function (t) { tr.appendChild(kit.el("td", "", t)); });
    var status = kit.el("td");
    status.appendChild(kit.el("span", "status s-" + c.status, c.status_zh));
    tr.appendChild(status);
    [c.department_name, c.channel_zh, c.phone, c.created].forEach(function (t) { tr.appendChild(kit.el("td", "", t)); });
    return tr;
  }
  function load() {
    var params = query();
    history.replaceState(null, "", "/cases" + (params.toString() ? "?" + params : ""));
    notice.textContent = "";
    return kit.get("/api/cases?" + params).then(function (d) {
      rows.textContent = "";
      d.items.forEach(function (c) { rows.appendChild(row(c)); });
      empty.hidden = d.items.length > 0;
      pages = Math.max(1, Math.ceil(d.total / d.page_size));
      total.textContent = "共 " + d.total + " 件";
      pageLabel.textContent = "第 " + (d.page + 1) + " / " + pages + " 页";
      prev.disabled = d.page <= 0; next.disabled = d.page + 1 >= pages;
      loads += 1;
      document.body.setAttribute("data-loaded", String(loads));
    }, function (err) { notice.textContent = err.message; });
  }
  kit.get("/api/departments").then(function (d) {
    var select = form.elements.department;
    d.items.forEach(function (dep) {
      var o = kit.el("option", "", dep.name); o.value = dep.department_id; select.appendChild(o);
    });
    if (d.mine) { select.value = d.mine; select.disabled = true; }
    fromAddress();
    load();
  }, function (err) { notice.textContent = err.message; });
  form.addEventListener("submit", function (e) { e.preventDefault(); page = 0; load(); });
  form.addEventListener("change", function () { page = 0; load(); });
  document.getElementById("clear").addEventListener("click", function () {
    setTimeout(function () { page = 0; load(); }, 0);
  });
  prev.addEventListener("click", function () { if (page > 0) { page -= 1; load(); } });
  next.addEventListener("click", function () { if (page + 1 < pages) { page += 1; load(); } });
})();
