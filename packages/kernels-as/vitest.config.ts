import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.js';

export default defineProject(
  mergeConfig(projectConfig('kernels'), { test: { globalSetup: ['./test/global-setup.ts'] } }),
);
