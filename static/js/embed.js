// Click-to-load video: nothing is requested from the video host until the reader asks.
document.querySelectorAll(".video-embed").forEach((figure) => {
  const button = figure.querySelector(".video-load");
  if (!button) return;
  figure.hidden = false;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = figure.dataset.embedSrc;
    frame.title = button.textContent.trim();
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.setAttribute("allowfullscreen", "");
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    button.replaceWith(frame);
  });
});
