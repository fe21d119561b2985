// Keep the suggested salutation in step with addressee and language until the writer edits it.
(() => {
  const data = document.getElementById("colleague-greetings");
  const addressee = document.getElementById("addressee");
  const outsideName = document.getElementById("addressee_name");
  const language = document.getElementById("language");
  const salutation = document.getElementById("salutation");
  if (!data || !addressee || !language || !salutation) return;
  const greetings = JSON.parse(data.textContent);
  let lastSuggestion = salutation.value;

  function suggestion() {
    const person = greetings[addressee.value];
    const name = person ? person.name : (outsideName ? outsideName.value.trim() : "");
    if (language.value === "de") {
      const word = person ? person.de : "Hallo";
      return name ? `${word} ${name},` : "Hallo,";
    }
    return name ? `Dear ${name},` : "Dear colleague,";
  }

  function update() {
    if (salutation.value !== "" && salutation.value !== lastSuggestion) return;
    lastSuggestion = suggestion();
    salutation.value = lastSuggestion;
  }

  [addressee, language].forEach((el) => el.addEventListener("change", update));
  if (outsideName) outsideName.addEventListener("input", update);
})();
