// Progressive enhancement only: the form works without this file.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-max]").forEach(function (box) {
    var max = parseInt(box.getAttribute("data-max"), 10);
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    function update() {
      var n = box.value.length;
      counter.textContent = n + " / " + max;
      counter.classList.toggle("over", n > max);
    }
    box.addEventListener("input", update);
    update();
  });
  // After a refusal or a language switch the page answers a POST: make its history entry a plain GET, so
  // that Back from the thank-you page never asks to "confirm form resubmission".
  if (document.getElementById("survey-form") && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.href);
  }
  var notice = document.getElementById("notice");
  if (notice) { notice.focus(); }
  // A double tap must not send twice (the server also refuses a resent key).
  document.querySelectorAll("form.survey").forEach(function (form) {
    // Enter on a choice or the phone field would send a half-answered survey: only the button sends.
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "submit") {
        event.preventDefault();
      }
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
