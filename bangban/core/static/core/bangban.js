// Small progressive enhancements shared by all pages.
document.addEventListener("htmx:responseError", function (event) {
  var target = document.getElementById("bb-htmx-error");
  if (target && event.detail.xhr) {
    target.textContent = "请求失败（" + event.detail.xhr.status + "），请稍后重试。";
    target.classList.remove("d-none");
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Behaviours that used to be inline handlers (the Content Security Policy allows no inline script).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var field = event.target;
  if (field.matches && field.matches("input[data-select-on-click]")) {
    field.select();
  }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
