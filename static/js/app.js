// Behaviour shared by every page, kept out of the markup so that the Content-Security-Policy
// allows no inline script: a select marked data-submit-on-change submits its form (the
// language switch).
document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
  select.addEventListener("change", function () {
    select.form.submit();
  });
});
