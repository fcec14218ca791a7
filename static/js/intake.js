/* Progressive enhancement for the complaint forms; every page works without it.
 * - [data-show-when="name:value"] shows a field only when radio "name" has "value";
 *   [data-show-when="name"] only when checkbox "name" is ticked.
 * - form[data-submit-once] ignores a second submission (double click).
 */
(function () {
  "use strict";

  function controls(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  function update(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-show-when]"), function (el) {
      var rule = el.getAttribute("data-show-when").split(":");
      var inputs = controls(form, rule[0]);
      if (!inputs.length) { return; }
      var show;
      if (inputs[0].type === "checkbox") {
        show = inputs[0].checked;
      } else {
        var checked = inputs.filter(function (i) { return i.checked; })[0];
        show = checked ? checked.value === rule[1] : true;
      }
      // Never hide a field that carries an error message.
      el.hidden = !show && !el.classList.contains("field-invalid");
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-conditional]"), function (form) {
    form.addEventListener("change", function () { update(form); });
    update(form);
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
        b.setAttribute("aria-disabled", "true");
      });
    });
  });
}());
