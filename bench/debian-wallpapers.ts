/**
 * Real photographs for the benchmarks: the photos among Debian's wallpaper
 * packages, fetched with `apt-get download` and unpacked with `dpkg-deb -x`
 * into a cache outside the repository (~/.cache/pixport/debian-wallpapers, or
 * $PIXPORT_CACHE/debian-wallpapers). They are free-licensed in Debian (each
 * package's /usr/share/doc/<package>/copyright says how); they are never
 * committed.
 *
 * Only photographs are listed: the packages also hold drawings, gradients and
 * composites (mate's abstract/ and desktop/, ukui-wallpapers, lomiri's own
 * backgrounds), which encode nothing like a photo. Picked by looking at each one.
 *
 * @example
 * const photos = await debianWallpaperPhotos();
 * for (const p of photos) console.log(p.name, p.file);
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One photograph: a short name, the package it came from and where it was unpacked. */
export interface WallpaperPhoto {
  readonly name: string;
  readonly pkg: string;
  readonly version: string;
  readonly file: string;
}

const BACKGROUNDS = 'usr/share/backgrounds';

/** Package, the folder its photos are in, and the photos. */
const PHOTOS: readonly { pkg: string; dir: string; files: readonly string[] }[] = [
  {
    // Ubuntu's 16.04 contest photos. Left out: analogpattern (a tinted texture) and umang (a gradient).
    pkg: 'lomiri-wallpapers-16.04',
    dir: BACKGROUNDS,
    files: [
      'Bridge_by_Sander_Klootwijk.jpg',
      'Dragonfly_by_Bolly.jpg',
      'Picture_0B_by_freespace.jpg',
      'Picture_1A_by_freespace.jpg',
      'Wine_by_Jakkub_Mede.jpg',
      'aitzgorri_by_Aitzol_Berasategi.jpg',
      'free_by_Peter_Nerlich.jpg',
      'friends_by_Aitzol_Berasategi.jpg',
      'greentock_by_Peter_Nerlich.jpg',
      'life_by_Aitzol_Berasategi.jpg',
      'picosdeeuropa_by_Aitzol_Berasategi.jpg',
      'seeding_by_Clements_Engelhardt.jpg',
      'sunset_by_Aitzol_Berasategi.jpg',
    ],
  },
  {
    // Left out: Fossa and Painting-Colors (drawings), Infinite-Sea (a composite).
    pkg: 'lomiri-wallpapers-20.04',
    dir: BACKGROUNDS,
    files: ['Kleiber_by_Lukas_Baubkus.jpg'],
  },
  {
    // nature/ only: abstract/ and desktop/ are drawings.
    pkg: 'mate-backgrounds',
    dir: `${BACKGROUNDS}/mate/nature`,
    files: [
      'Aqua.jpg',
      'Blinds.jpg',
      'Dune.jpg',
      'FreshFlower.jpg',
      'Garden.jpg',
      'GreenMeadow.jpg',
      'LadyBird.jpg',
      'RainDrops.jpg',
      'Storm.jpg',
      'TwoWings.jpg',
      'Wood.jpg',
      'YellowFlower.jpg',
    ],
  },
];

/** Where the packages are downloaded and unpacked. */
export const wallpaperCache = (): string =>
  join(process.env.PIXPORT_CACHE ?? join(homedir(), '.cache', 'pixport'), 'debian-wallpapers');

/**
 * Every photograph of {@link PHOTOS}, downloading and unpacking a package the
 * first time it is needed (about 75 MB in all). Throws with the apt command to
 * run when a package cannot be fetched or lacks a listed file.
 */
export async function debianWallpaperPhotos(
  log: (line: string) => void = () => {},
): Promise<WallpaperPhoto[]> {
  const cache = wallpaperCache();
  const debs = join(cache, 'debs');
  await mkdir(debs, { recursive: true });
  const photos: WallpaperPhoto[] = [];
  for (const { pkg, dir, files } of PHOTOS) {
    let deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) {
      log(`fetching ${pkg} with apt-get download into ${debs}`);
      try {
        execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
      } catch (e) {
        throw new Error(`cannot download ${pkg}: is apt set up (apt-get update)?`, { cause: e });
      }
      deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${pkg} left no ${pkg}_*.deb in ${debs}`);
    }
    const version = deb.split('_')[1] ?? '?';
    const root = join(cache, 'unpacked', deb.replace(/\.deb$/, ''));
    if (!existsSync(root)) {
      // Unpacked beside and renamed, so an interrupted run leaves no half a package behind.
      const part = `${root}.part`;
      await rm(part, { recursive: true, force: true });
      await mkdir(part, { recursive: true });
      execFileSync('dpkg-deb', ['-x', join(debs, deb), part]);
      await rename(part, root);
    }
    for (const name of files) {
      const file = join(root, dir, name);
      if (!existsSync(file)) throw new Error(`${pkg} ${version} has no ${dir}/${name}`);
      photos.push({ name: name.replace(/\.jpe?g$/i, ''), pkg, version, file });
    }
  }
  return photos;
}
