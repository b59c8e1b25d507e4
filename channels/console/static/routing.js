// The routing table: one row per service (and category) → department; saved as a whole.
(function () {
  "use strict";
  var kit = window.consoleKit, body = document.getElementById("rules"), notice = document.getElementById("notice");
  var options = null;

  function select(items, value, cls) {
    var s = kit.el("select", cls);
    items.forEach(function (i) { var o = kit.el("option", "", i.label); o.value = i.value; s.appendChild(o); });
    s.value = value || "";
    return s;
  }
  function categories(service) {
    var found = options.services.filter(function (s) { return s.service === service; })[0];
    return [{ value: "", label: "（全部类别）" }].concat(found ? found.categories : []);
  }
  function row(rule) {
    var tr = kit.el("tr");
    var services = [{ value: "*", label: "全部业务（兜底）" }].concat(options.services.map(function (s) { return { value: s.service, label: s.label }; }));
    var service = select(services, rule.service, "service"), category = select(categories(rule.service), rule.category, "category");
    service.addEventListener("change", function () {
      var fresh = select(categories(service.value), "", "category");
      category.replaceWith(fresh); category = fresh;
    });
    var department = select(options.departments.map(function (d) { return { value: d.department_id, label: d.name }; }), rule.department, "department");
    var remove = kit.el("button", "", "删除"); remove.type = "button";
    remove.addEventListener("click", function () { tr.remove(); });
    [service, category, department, remove].forEach(function (node) { var td = kit.el("td"); td.appendChild(node); tr.appendChild(td); });
    return tr;
  }
  function rules() {
    return Array.prototype.map.call(body.querySelectorAll("tr"), function (tr) {
      return { service: tr.querySelector(".service").value, category: tr.querySelector(".category").value || null,
               department: tr.querySelector(".department").value };
    });
  }
  function render(table) { body.textContent = ""; table.rules.forEach(function (r) { body.appendChild(row(r)); }); }
  Promise.all([kit.get("/api/routing/options"), kit.get("/api/routing")]).then(function (got) {
    options = got[0]; render(got[1]);
  }, function (err) { notice.textContent = err.message; });
  document.getElementById("add-rule").addEventListener("click", function () {
    body.appendChild(row({ service: "*", category: null, department: options.departments[0].department_id }));
  });
  document.getElementById("save-rules").addEventListener("click", function () {
    kit.post("/api/routing", { rules: rules() }).then(function (table) {
      render(table); notice.textContent = "分派规则已保存，新办件将按新规则分派。";
    }, function (err) { notice.textContent = err.message; });
  });
})();
