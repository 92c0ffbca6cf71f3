// Progressive enhancement only: every page works without JavaScript.
// In a fieldset whose picker says "new", show the fields for the new row; hide them otherwise.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("fieldset").forEach((fieldset) => {
    const picker = fieldset.querySelector("select");
    const extra = fieldset.querySelectorAll(".when-new");
    if (!picker || extra.length === 0) return;
    const sync = () => extra.forEach((block) => { block.hidden = picker.value !== "new"; });
    picker.addEventListener("change", sync);
    sync();
  });
});
