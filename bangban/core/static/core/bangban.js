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
