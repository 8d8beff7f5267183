/**
 * What an image analyser sees in a photo, in Amazon Rekognition's vocabulary
 * (DetectLabels and the moderation taxonomy, version 7), so every adapter
 * means the same thing by "Dog" or "Explicit".
 */

/** An object, scene or concept, with its ancestors in the label hierarchy (`Dog` -> `Animal`, `Pet`, `Mammal`). */
export interface ImageLabel {
  readonly name: string;
  /** 0-100. */
  readonly confidence: number;
  readonly parents: readonly string[];
}

/** A moderation label: level 1 is a top-level category (`Explicit`); deeper levels name their parent. */
export interface ModerationLabel {
  readonly name: string;
  /** The label one level up; empty at level 1. */
  readonly parent: string;
  /** 0-100. */
  readonly confidence: number;
  /** 1-3. */
  readonly taxonomyLevel: number;
}

/** The moderation half of an analysis: labels and the model that gave them. */
export interface ModerationResult {
  readonly labels: readonly ModerationLabel[];
  readonly modelVersion: string;
}

/** One analysis of one image. */
export interface ImageAnalysis {
  readonly labels: readonly ImageLabel[];
  readonly moderation: ModerationResult;
}

/** Labels kept on a photo at most. */
export const MAX_KEPT_LABELS = 10;

export const ImageAnalysis = {
  /**
   * The labels kept on a photo: at least `minConfidence`, most confident first, at most
   * {@link MAX_KEPT_LABELS}, one per name; confidences rounded to 0.1.
   *
   * @example ImageAnalysis.topLabels(labels, 70)
   */
  topLabels(labels: readonly ImageLabel[], minConfidence: number): ImageLabel[] {
    const seen = new Set<string>();
    return [...labels]
      .filter((l) => l.confidence >= minConfidence)
      .sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name))
      .filter((l) => !seen.has(l.name) && seen.add(l.name) !== undefined)
      .slice(0, MAX_KEPT_LABELS)
      .map((l) => ({
        name: l.name,
        confidence: Math.round(l.confidence * 10) / 10,
        parents: [...l.parents],
      }));
  },

  /**
   * The top-level category (level 1) a moderation label belongs to, found by walking its
   * parents among `all` (Rekognition returns the ancestors of what it finds as labels too);
   * a parent that is not among them is taken as the top level.
   */
  topLevelOf(label: ModerationLabel, all: readonly ModerationLabel[]): string {
    let current = label;
    for (let depth = 0; depth < 3 && current.taxonomyLevel > 1 && current.parent !== ''; depth++) {
      const parent = all.find((l) => l.name === current.parent);
      if (!parent) return current.parent;
      current = parent;
    }
    return current.name;
  },

  /**
   * One analysis of several images of one item (a video's poster and sampled
   * frames): each label once, at the highest confidence any image gave it
   * (with that image's parents), and each moderation label likewise, so a
   * finding in any one frame stands for the whole video. The model version is
   * the first analysis's (one analyser made them all). Undefined for none.
   *
   * @example ImageAnalysis.merge([poster, frame1, frame2]).labels // Dog 91 if any frame saw a dog at 91
   */
  merge(analyses: readonly ImageAnalysis[]): ImageAnalysis | undefined {
    const first = analyses[0];
    if (!first) return undefined;
    const highest = <T extends { readonly name: string; readonly confidence: number }>(all: T[]): T[] => {
      const best = new Map<string, T>();
      for (const item of all) {
        const kept = best.get(item.name);
        if (!kept || item.confidence > kept.confidence) best.set(item.name, item);
      }
      return [...best.values()];
    };
    return {
      labels: highest(analyses.flatMap((a) => [...a.labels])),
      moderation: {
        labels: highest(analyses.flatMap((a) => [...a.moderation.labels])),
        modelVersion: first.moderation.modelVersion,
      },
    };
  },

  /** The form a label takes in an index and a filter: trimmed and lower case (`Dog` and `dog` are one). */
  labelKey(name: string): string {
    return name.trim().toLowerCase();
  },
};
