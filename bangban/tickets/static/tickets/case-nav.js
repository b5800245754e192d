// A case opened from the dispatch queue (docs/ui.md, "Keyboard-first queues"): [ and ] open the
// previous and the next case of the queue (the 「上一件」「下一件」 links), except while typing.
(function () {
  "use strict";
  function typing(target) {
    if (!target || !target.matches) return false;
    if (target.isContentEditable || target.closest("[data-unit-picker]")) return true;
    if (target.matches("textarea, select")) return true;
    return target.matches("input") && !target.matches("[type=checkbox], [type=radio], [type=button], [type=submit], [type=reset]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var which = event.key === "[" ? "previous" : event.key === "]" ? "next" : "";
    if (!which) return;
    var link = document.querySelector("a[data-case-nav=" + which + "]");
    if (!link) return;
    event.preventDefault();
    window.location.assign(link.href);
  });
})();
