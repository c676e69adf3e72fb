import { Compass } from 'lucide-react';
import { Link, Route, Routes } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { BuildsPage } from '@/features/builds/components/builds-page';
import { ContainerPage } from '@/features/containers/components/container-page';
import { ContainersPage } from '@/features/containers/components/containers-page';
import { CanRunCard } from '@/features/emulators/components/can-run-card';
import { EmulatorsPage } from '@/features/emulators/components/emulators-page';
import { HostPage } from '@/features/host/components/host-page';
import { RunImageButton } from '@/features/containers/components/run-image-button';
import { ManifestsPage } from '@/features/manifests/components/manifests-page';
import { RegistriesPage } from '@/features/registries/components/registries-page';
import { ImagesRoute } from './images-route';
import { HostsPage } from '@/features/hosts/components/hosts-page';
import { Layout } from './layout';

function NotFound() {
  return (
    <EmptyState icon={<Compass />} title="Nothing here">
      This page does not exist.{' '}
      <Link to="/" className="font-medium text-fg underline underline-offset-4">
        Go to Host
      </Link>
    </EmptyState>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route
          index
          element={
            <HostPage>
              <CanRunCard />
            </HostPage>
          }
        />
        <Route path="hosts" element={<HostsPage />} />
        <Route path="emulators" element={<EmulatorsPage />} />
        <Route path="images" element={<ImagesRoute />} />
        <Route path="registries" element={<RegistriesPage />} />
        <Route path="containers" element={<ContainersPage />} />
        <Route path="containers/:id" element={<ContainerPage />} />
        <Route
          path="build"
          element={
            <BuildsPage
              runImage={(image, platform) => (
                <RunImageButton
                  image={image}
                  platform={platform}
                  data-testid={`build-run-${platform.replaceAll('/', '-')}`}
                />
              )}
            />
          }
        />
        <Route path="manifests" element={<ManifestsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
