// New-ticket form: the category list follows the chosen SERVQUAL dimension.
(() => {
  const select = document.getElementById("category_id");
  const radios = document.querySelectorAll('input[name="dimension"]');
  if (!select || !radios.length) return;

  const follow = () => {
    const chosen = document.querySelector('input[name="dimension"]:checked');
    if (!chosen) return;
    let firstMatch = null;
    select.querySelectorAll("option").forEach((option) => {
      const matches = option.dataset.dimension === chosen.value;
      option.hidden = !matches;
      option.disabled = !matches;
      if (matches && !firstMatch) firstMatch = option;
    });
    select.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = ![...group.children].some((option) => !option.hidden);
    });
    if (select.selectedOptions[0]?.disabled && firstMatch) firstMatch.selected = true;
  };

  radios.forEach((radio) => radio.addEventListener("change", follow));
  follow();
})();
