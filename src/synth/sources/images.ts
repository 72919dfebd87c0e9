import { ServiceModel } from '../../model/platform-model';
import { serviceImages } from '../../model/images';
import { ObjectImage } from './objects';
import { RingRelease } from './source-kind';

/**
 * The version a ring's release gives an image of a service: the release's one version for a
 * service with one image (`image` undefined), else that of the named image. Empty when the
 * release has none for it (synthesis refuses such a release first, CG214).
 */
export function versionOf(release: RingRelease, image: string | undefined): string {
  return image === undefined ? release.version : (release.images?.[image] ?? '');
}

/** The images of a service with the versions a ring's release gives them, for its objects' placeholders. */
export function objectImages(service: ServiceModel, release: RingRelease): ObjectImage[] {
  return serviceImages(service).map((i) => ({
    ...(i.name === undefined ? {} : { name: i.name }),
    placeholder: i.placeholder,
    repository: i.repository,
    version: versionOf(release, i.name),
  }));
}
