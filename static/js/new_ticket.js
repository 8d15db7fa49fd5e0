// New-ticket form: the category list follows the chosen SERVQUAL dimension.
(() => {
  const select = document.getElementById("category_id");
  const radios = document.querySelectorAll('input[name="dimension"]');
  if (!select || !radios.length) return;

  const follow = () => {
    const chosen = document.querySelector('input[name="dimension"]:checked');
    if (!chosen) return;
    select.querySelectorAll("option").forEach((option) => {
      if (!option.value) return; // "Choose…" stays: the person picks the category
      const matches = option.dataset.dimension === chosen.value;
      option.hidden = !matches;
      option.disabled = !matches;
    });
    select.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = ![...group.children].some((option) => !option.hidden);
    });
    if (select.selectedOptions[0]?.disabled) select.value = "";
  };

  radios.forEach((radio) => radio.addEventListener("change", follow));
  follow();
})();
