// Shared helpers: POST with the session's CSRF token, text-only rendering.
window.consoleKit = (function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(data.error || ("请求失败 " + r.status));
        return data;
      });
    });
  }
  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error(data.error || ("请求失败 " + r.status));
        return data;
      });
    });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function waited(seconds) {
    if (seconds < 60) return seconds + " 秒";
    if (seconds < 3600) return Math.floor(seconds / 60) + " 分钟";
    return Math.floor(seconds / 3600) + " 小时 " + Math.floor((seconds % 3600) / 60) + " 分";
  }
  // Rows of label / masked value, each personal one with a 查看 button; `reveal(name)`
  // answers {value} (the reveal is audited by the server). `attr` names the row's data key.
  function maskedRows(tbody, rows, attr, reveal, failed) {
    tbody.textContent = "";
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", "", r.label));
      var value = el("td", "value", r.value);
      value.setAttribute(attr, r.name);
      tr.appendChild(value);
      var act = el("td");
      if (r.personal) {
        var b = el("button", "reveal", "查看");
        b.type = "button";
        b.addEventListener("click", function () {
          reveal(r.name).then(function (d) { value.textContent = String(d.value); b.disabled = true; }, failed);
        });
        act.appendChild(b);
      }
      tr.appendChild(act);
      tbody.appendChild(tr);
    });
  }
  var CHANNELS = { webchat: "网页咨询", rest: "接口", wechat: "微信", voice: "电话" };
  return { post: post, get: get, el: el, waited: waited, maskedRows: maskedRows,
           channel: function (c) { return CHANNELS[c] || c || "—"; } };
})();
