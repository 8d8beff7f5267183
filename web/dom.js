/**
 * Builds an element with its attributes and children in one expression, so the
 * templates of tiles and upload rows read like the markup they make.
 *
 * @example
 *   h('li', { class: 'tile' }, [h('span', { class: 'tile-name' }, [photo.filename])]);
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
