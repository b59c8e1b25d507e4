// Canned replies: the shared list staff insert into conversations.
(function () {
  "use strict";
  var kit = window.consoleKit, list = document.getElementById("canned-list"), notice = document.getElementById("notice");
  function show(err) { notice.textContent = err.message || String(err); }
  function load() {
    return kit.get("/api/canned").then(function (d) {
      list.textContent = "";
      d.items.forEach(function (r) {
        var li = kit.el("li");
        li.setAttribute("data-canned", r.id);
        li.appendChild(kit.el("b", "", r.title + "："));
        li.appendChild(kit.el("span", "", r.text));
        var del = kit.el("button", "", "删除"); del.type = "button";
        del.addEventListener("click", function () { kit.post("/api/canned/" + r.id + "/delete").then(load, show); });
        li.appendChild(del);
        list.appendChild(li);
      });
    }, show);
  }
  document.getElementById("canned-form").addEventListener("submit", function (e) {
    e.preventDefault();
    kit.post("/api/canned", { title: e.target.elements.title.value, text: e.target.elements.text.value })
      .then(function () { e.target.reset(); notice.textContent = "已添加。"; load(); }, show);
  });
  load();
})();
