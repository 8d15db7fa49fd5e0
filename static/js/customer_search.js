// Type-ahead for customers on the new-ticket form. Without it, staff fill in a new customer.
(() => {
  const input = document.getElementById("customer-search");
  if (!input) return;
  const results = document.getElementById("customer-results");
  const hidden = document.getElementById("customer_id");
  const chosen = document.getElementById("customer-chosen");
  const newFields = document.getElementById("new-customer-fields");
  let timer = null;

  const choose = (customer) => {
    hidden.value = customer.id;
    chosen.textContent = `${customer.name} · ${customer.contact}` +
      (customer.repeat ? ` · ${input.dataset.repeatLabel || "repeat complainant"}` : "");
    chosen.classList.remove("d-none");
    newFields.classList.add("d-none");
    results.replaceChildren();
  };

  const show = (customers) => {
    results.replaceChildren(...customers.map((customer) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action";
      item.setAttribute("role", "option");
      item.textContent = `${customer.name} · ${customer.contact} · ${customer.tier}`;
      item.addEventListener("click", () => choose(customer));
      return item;
    }));
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    hidden.value = "";
    chosen.classList.add("d-none");
    newFields.classList.remove("d-none");
    const query = input.value.trim();
    if (query.length < 2) { results.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const response = await fetch(`${input.dataset.searchUrl}?q=${encodeURIComponent(query)}`,
        { headers: { Accept: "application/json" } });
      if (response.ok) show((await response.json()).customers);
    }, 200);
  });
})();
