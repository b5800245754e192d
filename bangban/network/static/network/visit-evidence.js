// The visit form's 现场留证 (network/_evidence_fields.html): 获取位置 asks the browser for the
// phone's position and fills the hidden latitude / longitude / accuracy fields; choosing photos
// shows how many were taken. No inline script (CSP): wired up through data-* attributes.
(function () {
  "use strict";

  function init(box) {
    var button = box.querySelector("[data-geolocate]");
    var status = box.querySelector("[data-geo-status]");
    var lat = box.querySelector("[data-geo-latitude]");
    var lon = box.querySelector("[data-geo-longitude]");
    var acc = box.querySelector("[data-geo-accuracy]");
    var photos = box.querySelector("[data-photo-input]");
    var photoStatus = box.querySelector("[data-photo-status]");

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("text-danger", !!bad);
      status.classList.toggle("text-success", !bad);
    }

    if (button) {
      button.addEventListener("click", function () {
        if (!navigator.geolocation) {
          say("此浏览器不支持定位，请在“地点”中填写走访地点", true);
          return;
        }
        button.disabled = true;
        say("正在获取位置…", false);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var c = position.coords;
            lat.value = c.latitude.toFixed(6);
            lon.value = c.longitude.toFixed(6);
            acc.value = isFinite(c.accuracy) ? String(Math.round(c.accuracy)) : "";
            say("已获取位置：" + lat.value + ", " + lon.value + (acc.value ? "（精度约 " + acc.value + " 米）" : ""), false);
            button.disabled = false;
          },
          function (error) {
            var text = "未能获取位置，请在“地点”中填写走访地点";
            if (error && error.code === 1) text = "未允许定位：请在浏览器设置中允许本站获取位置，或在“地点”中填写";
            if (error && error.code === 3) text = "获取位置超时，请到信号较好的地方重试，或在“地点”中填写";
            say(text, true);
            button.disabled = false;
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }

    if (photos && photoStatus) {
      photos.addEventListener("change", function () {
        var n = photos.files ? photos.files.length : 0;
        if (n) photoStatus.textContent = "已选择 " + n + " 张照片";
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-visit-evidence]").forEach(init);
  });
})();
