import type { ImageLabel } from '../../domain/image-analysis.js';

/**
 * ImageNet's class names (what `@cf/microsoft/resnet-50` answers) onto Rekognition's
 * label names and parents, so a Worker's "golden retriever" is the same "Dog" as
 * Rekognition's. Classes without an entry keep their own name, title-cased, with no
 * parents. The full table and its reasoning: docs/cloudflare.md, "Analysis".
 */
interface Mapped {
  readonly name: string;
  readonly parents: readonly string[];
}

const DOG: Mapped = { name: 'Dog', parents: ['Animal', 'Canine', 'Mammal', 'Pet'] };
const CAT: Mapped = { name: 'Cat', parents: ['Animal', 'Mammal', 'Pet'] };
const LANDSCAPE = (name: string): Mapped => ({ name, parents: ['Landscape', 'Nature', 'Outdoors'] });

/** ImageNet classes 151-268: every dog breed of the 1,000 classes. */
const DOG_BREEDS = [
  'chihuahua',
  'japanese spaniel',
  'maltese dog',
  'pekinese',
  'shih-tzu',
  'blenheim spaniel',
  'papillon',
  'toy terrier',
  'rhodesian ridgeback',
  'afghan hound',
  'basset',
  'beagle',
  'bloodhound',
  'bluetick',
  'black-and-tan coonhound',
  'walker hound',
  'english foxhound',
  'redbone',
  'borzoi',
  'irish wolfhound',
  'italian greyhound',
  'whippet',
  'ibizan hound',
  'norwegian elkhound',
  'otterhound',
  'saluki',
  'scottish deerhound',
  'weimaraner',
  'staffordshire bullterrier',
  'american staffordshire terrier',
  'bedlington terrier',
  'border terrier',
  'kerry blue terrier',
  'irish terrier',
  'norfolk terrier',
  'norwich terrier',
  'yorkshire terrier',
  'wire-haired fox terrier',
  'lakeland terrier',
  'sealyham terrier',
  'airedale',
  'cairn',
  'australian terrier',
  'dandie dinmont',
  'boston bull',
  'miniature schnauzer',
  'giant schnauzer',
  'standard schnauzer',
  'scotch terrier',
  'tibetan terrier',
  'silky terrier',
  'soft-coated wheaten terrier',
  'west highland white terrier',
  'lhasa',
  'flat-coated retriever',
  'curly-coated retriever',
  'golden retriever',
  'labrador retriever',
  'chesapeake bay retriever',
  'german short-haired pointer',
  'vizsla',
  'english setter',
  'irish setter',
  'gordon setter',
  'brittany spaniel',
  'clumber',
  'english springer',
  'welsh springer spaniel',
  'cocker spaniel',
  'sussex spaniel',
  'irish water spaniel',
  'kuvasz',
  'schipperke',
  'groenendael',
  'malinois',
  'briard',
  'kelpie',
  'komondor',
  'old english sheepdog',
  'shetland sheepdog',
  'collie',
  'border collie',
  'bouvier des flandres',
  'rottweiler',
  'german shepherd',
  'doberman',
  'miniature pinscher',
  'greater swiss mountain dog',
  'bernese mountain dog',
  'appenzeller',
  'entlebucher',
  'boxer',
  'bull mastiff',
  'tibetan mastiff',
  'french bulldog',
  'great dane',
  'saint bernard',
  'eskimo dog',
  'malamute',
  'siberian husky',
  'dalmatian',
  'affenpinscher',
  'basenji',
  'pug',
  'leonberg',
  'newfoundland',
  'great pyrenees',
  'samoyed',
  'pomeranian',
  'chow',
  'keeshond',
  'brabancon griffon',
  'pembroke',
  'cardigan',
  'toy poodle',
  'miniature poodle',
  'standard poodle',
  'mexican hairless',
];

const TABLE = new Map<string, Mapped>([
  ...DOG_BREEDS.map((breed) => [breed, DOG] as const),
  ...['tabby', 'tiger cat', 'persian cat', 'siamese cat', 'egyptian cat'].map((c) => [c, CAT] as const),
  ['alp', LANDSCAPE('Mountain')],
  ['volcano', LANDSCAPE('Mountain')],
  ['valley', LANDSCAPE('Valley')],
  ['cliff', LANDSCAPE('Cliff')],
  ['promontory', LANDSCAPE('Promontory')],
  ['seashore', { name: 'Shoreline', parents: ['Nature', 'Outdoors', 'Water'] }],
  ['sandbar', { name: 'Shoreline', parents: ['Nature', 'Outdoors', 'Water'] }],
  ['lakeside', { name: 'Lake', parents: ['Landscape', 'Nature', 'Outdoors', 'Water'] }],
  ['geyser', { name: 'Geyser', parents: ['Nature', 'Outdoors'] }],
  ['coral reef', { name: 'Reef', parents: ['Nature', 'Outdoors', 'Sea', 'Water'] }],
]);

const titleCase = (s: string): string => s.replace(/\b\p{L}/gu, (c) => c.toUpperCase());

/**
 * Rekognition-named labels for one ImageNet answer (class name and score 0-1): the
 * mapped label and its parents, each parent also as a label of the same confidence (as
 * Rekognition lists the ancestors of what it finds).
 *
 * @example imageNetLabels('GOLDEN RETRIEVER', 0.93) // Dog 93, Animal 93, Canine 93, Mammal 93, Pet 93
 */
export function imageNetLabels(label: string, score: number): ImageLabel[] {
  // Models answer "golden retriever" or "GOLDEN RETRIEVER", some with synonyms after a comma.
  const key = (label.split(',')[0] ?? label).trim().toLowerCase().replaceAll('_', ' ');
  const confidence = Math.round(score * 1000) / 10;
  const mapped = TABLE.get(key) ?? { name: titleCase(key), parents: [] };
  return [
    { name: mapped.name, confidence, parents: [...mapped.parents] },
    ...mapped.parents.map((parent) => ({ name: parent, confidence, parents: [] })),
  ];
}
