// Type-ahead for customers on the new-ticket form. Without it, staff fill in a new customer.
// It searches the site the ticket is being opened for: the form's site picker (#site_id) when
// there is one (managers), otherwise the server uses the person's own site. Changing the
// site forgets the chosen customer, since intake refuses another site's customer.
(() => {
  const input = document.getElementById("customer-search");
  if (!input) return;
  const results = document.getElementById("customer-results");
  const hidden = document.getElementById("customer_id");
  const chosen = document.getElementById("customer-chosen");
  const newFields = document.getElementById("new-customer-fields");
  const sitePicker = document.getElementById("site_id");
  const recentLabel = input.dataset.recentLabel || "has a ticket in the last 90 days";
  let timer = null;
  let latest = 0;

  const hasRecentTicket = (customer) => customer.has_recent_ticket ?? customer.repeat;

  const choose = (customer) => {
    hidden.value = customer.id;
    chosen.textContent = `${customer.name} · ${customer.contact}` +
      (hasRecentTicket(customer) ? ` · ${recentLabel}` : "");
    chosen.classList.remove("d-none");
    newFields.classList.add("d-none");
    results.replaceChildren();
  };

  const forget = () => {
    hidden.value = "";
    chosen.classList.add("d-none");
    newFields.classList.remove("d-none");
  };

  const show = (customers) => {
    results.replaceChildren(...customers.map((customer) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action";
      item.setAttribute("role", "option");
      item.textContent = `${customer.name} · ${customer.contact} · ${customer.tier}` +
        (hasRecentTicket(customer) ? ` · ${recentLabel}` : "");
      item.addEventListener("click", () => choose(customer));
      return item;
    }));
  };

  const searchUrl = (query) => {
    const url = new URL(input.dataset.searchUrl, window.location.href);
    url.searchParams.set("q", query);
    if (sitePicker && sitePicker.value) url.searchParams.set("site", sitePicker.value);
    return url;
  };

  const search = async (query) => {
    const asked = ++latest;
    const response = await fetch(searchUrl(query), { headers: { Accept: "application/json" } });
    if (response.ok && asked === latest) show((await response.json()).customers);
  };

  const lookUp = () => {
    clearTimeout(timer);
    forget();
    const query = input.value.trim();
    if (query.length < 2) { latest += 1; results.replaceChildren(); return; }
    timer = setTimeout(() => search(query), 200);
  };

  input.addEventListener("input", lookUp);
  if (sitePicker) sitePicker.addEventListener("change", lookUp);
  // Text typed before this script ran (a slow page) or restored by the browser (Back) is
  // searched too.
  if (input.value.trim()) lookUp();
})();
