import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import plugin from '../src';

// frontend-dev-utils still targets frontend-plugin-api 0.18, so the dev app is a plain createApp.
const app = createApp({ features: [plugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
