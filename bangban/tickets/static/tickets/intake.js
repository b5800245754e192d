// Intake forms: pick an enterprise from the search results; show the fields of the chosen
// first-contact outcome (12345) or handling (window counter).
(function () {
  function setEnterprise(id, name, uscc) {
    var input = document.getElementById("id_enterprise");
    var picked = document.getElementById("enterprise-picked");
    if (!input || !picked) return;
    input.value = id || "";
    picked.textContent = "";
    if (id) {
      picked.append("已选择：");
      var strong = document.createElement("strong");
      strong.textContent = name;
      picked.append(strong, " ");
      var code = document.createElement("span");
      code.className = "bb-mono small";
      code.textContent = uscc;
      picked.append(code, " ");
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "btn btn-link btn-sm p-0";
      clear.setAttribute("data-clear-enterprise", "");
      clear.textContent = "更换";
      picked.append(clear);
    }
    var results = document.getElementById("enterprise-results");
    if (results) results.textContent = "";
  }
  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-enterprise]");
    if (option) {
      setEnterprise(option.getAttribute("data-pick-enterprise"), option.getAttribute("data-name"), option.getAttribute("data-uscc"));
      return;
    }
    if (event.target.closest("[data-clear-enterprise]")) setEnterprise("", "", "");
    // The public column: a registered enterprise fills the typed name and USCC.
    var fill = event.target.closest("[data-fill-enterprise]");
    if (fill) {
      var name = document.getElementById("id_enterprise_name");
      var uscc = document.getElementById("id_enterprise_uscc");
      if (name) name.value = fill.getAttribute("data-name");
      if (uscc) uscc.value = fill.getAttribute("data-uscc");
      var list = document.getElementById("public-enterprise-results");
      if (list) list.textContent = "";
    }
  });
  function syncSections() {
    document.querySelectorAll("[data-show-when]").forEach(function (section) {
      var parts = section.getAttribute("data-show-when").split("=");
      var checked = document.querySelector('input[name="' + parts[0] + '"]:checked');
      var values = parts[1].split(",");
      section.classList.toggle("d-none", !checked || values.indexOf(checked.value) === -1);
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=radio]")) syncSections();
  });
  document.addEventListener("DOMContentLoaded", syncSections);
  // The search box is not part of the submission.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.target.id === "enterprise-q" || event.target.id === "public-enterprise-q")) event.preventDefault();
  });
})();
