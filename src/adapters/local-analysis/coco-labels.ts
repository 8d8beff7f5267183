import type { ImageLabel } from '../../domain/image-analysis.js';

/**
 * The 80 COCO classes of the CenterNet detector that ships in `@vladmandic/human`,
 * in the order of the class index the model answers (human's `src/object/labels.ts`).
 */
export const COCO_CLASSES = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
] as const;

export type CocoClass = (typeof COCO_CLASSES)[number];

/** A label in Rekognition's vocabulary: its name and its ancestors. */
export interface RekognitionLabelName {
  readonly name: string;
  readonly parents: readonly string[];
}

const label = (name: string, ...parents: string[]): RekognitionLabelName => ({ name, parents });
const VEHICLE = ['Transportation', 'Vehicle'];
const SPORT = ['Sport', 'Sports Equipment'];
const FRUIT = ['Food', 'Fruit', 'Plant', 'Produce'];
const VEGETABLE = ['Food', 'Plant', 'Produce', 'Vegetable'];
const APPLIANCE = ['Appliance', 'Electrical Device'];
const COMPUTER_PART = ['Computer Hardware', 'Electronics', 'Hardware'];

/**
 * Every COCO class onto Rekognition's label name and parents, so the detector's "dog"
 * is the same "Dog" (Animal, Canine, Mammal, Pet) as Rekognition's and the Worker's.
 * Names that could mislead a filter are spelled out: COCO's "mouse" is the computer's,
 * "teddy bear" is a toy (not a Bear), "hot dog" is food (not a Dog). The table and its
 * reasoning: docs/analysis.md.
 */
export const COCO_TO_REKOGNITION: Readonly<Record<CocoClass, RekognitionLabelName>> = {
  person: label('Person'),
  bicycle: label('Bicycle', ...VEHICLE),
  car: label('Car', ...VEHICLE),
  motorcycle: label('Motorcycle', ...VEHICLE),
  airplane: label('Airplane', 'Aircraft', ...VEHICLE),
  bus: label('Bus', ...VEHICLE),
  train: label('Train', ...VEHICLE),
  truck: label('Truck', ...VEHICLE),
  boat: label('Boat', ...VEHICLE),
  'traffic light': label('Traffic Light', 'Light'),
  'fire hydrant': label('Fire Hydrant', 'Hydrant'),
  'stop sign': label('Stop Sign', 'Road Sign', 'Sign', 'Symbol'),
  'parking meter': label('Parking Meter'),
  bench: label('Bench', 'Furniture'),
  bird: label('Bird', 'Animal'),
  cat: label('Cat', 'Animal', 'Mammal', 'Pet'),
  dog: label('Dog', 'Animal', 'Canine', 'Mammal', 'Pet'),
  horse: label('Horse', 'Animal', 'Mammal'),
  sheep: label('Sheep', 'Animal', 'Livestock', 'Mammal'),
  cow: label('Cow', 'Animal', 'Cattle', 'Livestock', 'Mammal'),
  elephant: label('Elephant', 'Animal', 'Mammal', 'Wildlife'),
  bear: label('Bear', 'Animal', 'Mammal', 'Wildlife'),
  zebra: label('Zebra', 'Animal', 'Mammal', 'Wildlife'),
  giraffe: label('Giraffe', 'Animal', 'Mammal', 'Wildlife'),
  backpack: label('Backpack', 'Bag'),
  umbrella: label('Umbrella'),
  handbag: label('Handbag', 'Accessories', 'Bag'),
  tie: label('Tie', 'Accessories', 'Formal Wear'),
  suitcase: label('Suitcase', 'Baggage'),
  frisbee: label('Frisbee', 'Toy'),
  skis: label('Ski', ...SPORT),
  snowboard: label('Snowboard', ...SPORT),
  'sports ball': label('Ball', ...SPORT),
  kite: label('Kite', 'Toy'),
  'baseball bat': label('Baseball Bat', ...SPORT),
  'baseball glove': label('Baseball Glove', ...SPORT),
  skateboard: label('Skateboard', ...SPORT),
  surfboard: label('Surfboard', ...SPORT),
  'tennis racket': label('Tennis Racket', 'Racket', ...SPORT),
  bottle: label('Bottle'),
  'wine glass': label('Wine Glass', 'Glass'),
  cup: label('Cup'),
  fork: label('Fork', 'Cutlery'),
  knife: label('Knife', 'Cutlery'),
  spoon: label('Spoon', 'Cutlery'),
  bowl: label('Bowl'),
  banana: label('Banana', ...FRUIT),
  apple: label('Apple', ...FRUIT),
  sandwich: label('Sandwich', 'Food'),
  orange: label('Orange', 'Citrus Fruit', ...FRUIT),
  broccoli: label('Broccoli', ...VEGETABLE),
  carrot: label('Carrot', ...VEGETABLE),
  'hot dog': label('Hot Dog', 'Food'),
  pizza: label('Pizza', 'Food'),
  donut: label('Donut', 'Dessert', 'Food', 'Sweets'),
  cake: label('Cake', 'Dessert', 'Food'),
  chair: label('Chair', 'Furniture'),
  couch: label('Couch', 'Furniture'),
  'potted plant': label('Potted Plant', 'Plant'),
  bed: label('Bed', 'Furniture'),
  'dining table': label('Dining Table', 'Furniture', 'Table'),
  toilet: label('Toilet', 'Bathroom', 'Indoors', 'Room'),
  tv: label('TV', 'Electronics', 'Screen'),
  laptop: label('Laptop', 'Computer', 'Electronics', 'Pc'),
  mouse: label('Mouse', ...COMPUTER_PART),
  remote: label('Remote Control', 'Electronics'),
  keyboard: label('Computer Keyboard', ...COMPUTER_PART),
  'cell phone': label('Mobile Phone', 'Electronics', 'Phone'),
  microwave: label('Microwave', ...APPLIANCE),
  oven: label('Oven', ...APPLIANCE),
  toaster: label('Toaster', ...APPLIANCE),
  sink: label('Sink'),
  refrigerator: label('Refrigerator', ...APPLIANCE),
  book: label('Book', 'Publication'),
  clock: label('Clock'),
  vase: label('Vase', 'Pottery'),
  scissors: label('Scissors'),
  'teddy bear': label('Teddy Bear', 'Toy'),
  'hair drier': label('Hair Dryer', ...APPLIANCE),
  toothbrush: label('Toothbrush', 'Brush', 'Tool'),
};

/**
 * The detector score that lands on 70, the use case's least kept confidence. CenterNet's
 * score is the height of a heatmap peak, not a probability: on real photos (docs/analysis.md)
 * plainly visible objects scored 0.51-0.73, while the false finds (white rocks as sheep,
 * dandelions and a ladybird as birds, paint brushes as scissors) stayed at or under 0.48.
 * So a find at 0.5 or more is one the gallery keeps, and one under it is not.
 */
export const DETECTOR_TRUSTED_SCORE = 0.5;

/**
 * A detector score (0-1) as a confidence (0-100): linear from 0 to {@link DETECTOR_TRUSTED_SCORE}
 * (which maps to 70) and from there to 1 (100). Monotone, so the order of finds is kept; the
 * only claim the number makes is which side of the use case's threshold a find falls.
 *
 * @example detectorConfidence(0.5) // 70
 */
export function detectorConfidence(score: number): number {
  const s = Math.min(Math.max(score, 0), 1);
  const kept = 70;
  return s < DETECTOR_TRUSTED_SCORE
    ? (s / DETECTOR_TRUSTED_SCORE) * kept
    : kept + ((s - DETECTOR_TRUSTED_SCORE) / (1 - DETECTOR_TRUSTED_SCORE)) * (100 - kept);
}

/** One find of the detector: a class index into {@link COCO_CLASSES} and a score (0-1). */
export interface Detection {
  readonly classIndex: number;
  readonly score: number;
}

/**
 * Rekognition-named labels for a detector's finds: each class once, at its best find,
 * and each mapped parent as a label too (as Rekognition lists the ancestors of what it
 * finds), at the best confidence of any child; only labels at `minConfidence` (0-100)
 * or more. A class index outside the 80 (or NaN, which the model answers for an empty
 * slot) is skipped.
 *
 * @example cocoLabels([{ classIndex: 16, score: 0.72 }], 50) // Dog 83.2, Animal 83.2, Canine 83.2, Mammal 83.2, Pet 83.2
 */
export function cocoLabels(detections: Iterable<Detection>, minConfidence: number): ImageLabel[] {
  const best = new Map<string, ImageLabel>();
  const keep = (name: string, confidence: number, parents: readonly string[]) => {
    const known = best.get(name);
    if (!known || known.confidence < confidence) best.set(name, { name, confidence, parents: [...parents] });
  };
  for (const { classIndex, score } of detections) {
    const coco = COCO_CLASSES[classIndex];
    if (coco === undefined || !Number.isFinite(score)) continue;
    const confidence = Math.round(detectorConfidence(score) * 10) / 10;
    if (confidence < minConfidence) continue;
    const mapped = COCO_TO_REKOGNITION[coco];
    keep(mapped.name, confidence, mapped.parents);
    for (const parent of mapped.parents) keep(parent, confidence, []);
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
}
